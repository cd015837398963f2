/** Parameters shared by both analyses (the authors' defaults). */
import { z } from '@marr/core';

export const locateParams = {
  layer: z.number().int().min(-1).default(-1).describe('The neuron\'s layer; -1: the best candidate found by the probes (with neuron=-1).'),
  neuron: z.number().int().min(-1).default(-1).describe('The neuron\'s index in its layer; -1: the best candidate found by the probes.'),
  contextLength: z.number().int().min(8).optional().describe('Tokens per window (BOS + text); default the model\'s context, at most 128.'),
  germanLabel: z.string().default('de').describe('With --input languages=<file.jsonl>: the label of the German lines.'),
  englishLabel: z.string().default('en').describe('With --input languages=<file.jsonl>: the label of the English lines.'),
  windows: z.number().int().min(2).default(64).describe('Windows per language read from the German and English files (the first ones).'),
  positionStart: z.number().int().min(0).default(10).describe('First position whose activations the probes read (the authors\' 10).'),
  positionEnd: z.number().int().min(1).default(400).describe('Position after the last one the probes read (the authors\' 400; capped by the window).'),
  probeRows: z.enum(['token', 'window']).default('token').describe('token: one probe row per token (the authors\'); window: one row per window, the mean over its probed positions (context level, as the probes plugin\'s labelled-text task).'),
  maxProbeRows: z.number().int().min(20).default(10_000).describe('At most this many activation rows per language for the probes (the authors\' 10,000).'),
  testFraction: z.number().gt(0).lt(1).default(0.2).describe('Held-out share of the seeded random split the probes are scored on (the authors\' 0.2).'),
  C: z.number().gt(0).default(1).describe('Inverse L2 strength of the single-neuron logistic regressions (sklearn\'s default 1).'),
  minF1: z.number().min(0).max(1).default(0.85).describe('A neuron is a German-neuron candidate when its probe F1 is above this and it fires more on German (the authors\' 0.85).'),
  batchSize: z.number().int().min(1).max(512).default(16).describe('Sequences per forward pass.'),
};

export const ngramParams = {
  maxCleanLoss: z.number().gt(0).default(2.5).describe('Mining: positions whose clean loss is above this are skipped (the authors\' 2.5 nats).'),
  minLossIncrease: z.number().min(0).default(3).describe('Mining: a position yields a trigram when min(total, indirect-removed loss increase) is above this (the authors\' 3 nats).'),
  maxCandidates: z.number().int().min(0).default(50).describe('Validate at most this many mined trigrams (the strongest first).'),
  validationPrompts: z.number().int().min(1).default(100).describe('Random prompts per trigram (the authors\' 100).'),
  prefixLength: z.number().int().min(1).default(20).describe('Random tokens before the trigram in each prompt (the authors\' 20).'),
  commonTokens: z.number().int().min(1).default(100).describe('The prefixes are drawn from this many most frequent German tokens, punctuation and special tokens excluded (the authors\' 100).'),
  validationMaxCleanLoss: z.number().gt(0).default(3).describe('A validated trigram\'s clean loss on its prompts is below this (the authors\' 3 nats).'),
  validationMinIncrease: z.number().min(0).default(2).describe('A validated trigram\'s loss rises by more than this when the neuron is ablated (the authors\' 2 nats).'),
};
