/** Parameters of the world-model analysis. */
import { z } from '@marr/core';
import { PROMPT_PRESETS, RANDOM_PREFIX_TOKENS, type PromptPreset } from '../entities/prompts.js';
import { PAPER_ALPHAS } from '../ridge/ridge-cv.js';

const PRESETS = Object.keys(PROMPT_PRESETS) as [PromptPreset, ...PromptPreset[]];

export const worldModelParams = z.object({
  nameColumn: z.string().min(1).default('name').describe('The table column holding each entity\'s name (the text the model reads).'),
  targets: z
    .array(z.string().min(1))
    .default(['latitude', 'longitude'])
    .describe('Target columns: two for places, latitude then longitude in degrees (fitted jointly); one for time, a year or a date such as 1986-09-15 (read as a fractional year).'),
  groupColumn: z.string().default('').describe('A grouping column (country, state, decade, continent): colours the scatter plots and defines the blocks of the block holdout. Empty: none.'),
  splitColumn: z
    .string()
    .default('')
    .describe('A column saying which entities are held out (True/False, 1/0 or test/train; the paper\'s is_test). Empty: is_test when the table has it, otherwise a seeded random split of testFraction.'),
  testFraction: z.number().gt(0).lt(1).default(0.2).describe('Share of entities held out when the table has no split column.'),
  prompt: z
    .enum([...PRESETS, 'random', 'custom'] as [string, ...string[]])
    .default('empty')
    .describe(`The prefix put before each name, one of the paper's presets (${Object.entries(PROMPT_PRESETS).map(([k, v]) => `${k}: "${v}"`).join('; ')}; random: ${RANDOM_PREFIX_TOKENS} seeded random tokens, ids from 100 up to the largest id in the prompts, between BOS and the name, the authors' control) or custom (the prefix parameter).`),
  prefix: z.string().default('').describe('Free-text prefix put before each name when prompt=custom (e.g. "The coordinates of ").'),
  suffix: z
    .string()
    .default('')
    .describe('Text put after each name (not in the paper, which reads the last token of the name): the activation is then read at the suffix\'s last token, e.g. " lies at latitude" to read where a model is about to state a fact.'),
  nameStyle: z
    .enum(['as-is', 'world-place', 'upper'])
    .default('as-is')
    .describe('How names are written into the prompt: as-is; world-place (the authors\' normalisation: "A (B)" and "A, B" become "B\'s A"); upper (the paper\'s all-caps prompts).'),
  layers: z.array(z.number().int().min(0)).default([]).describe('Layers whose resid_post is probed (default: every layer).'),
  alphas: z.array(z.number().positive()).default([...PAPER_ALPHAS]).describe('Ridge penalties tried by efficient leave-one-out on the training entities (default: the authors\' logspace(0.8, 4.1, 12)).'),
  maxEntities: z.number().int().min(10).default(2000).describe('Use at most this many entities (a seeded sample of the usable rows when the table has more).'),
  batchSize: z.number().int().min(1).max(1024).default(64).describe('Prompts per forward pass.'),
  blockHoldout: z.boolean().default(true).describe('Hold out each group of groupColumn in turn at the best layer (needs groupColumn).'),
  minBlockSize: z.number().int().min(2).default(5).describe('Block holdout: only groups with at least this many entities are held out.'),
  maxBlocks: z.number().int().min(1).default(20).describe('Block holdout: at most this many groups (the largest).'),
  neurons: z.boolean().default(true).describe('Look for space and time neurons at the best layer: MLP neurons whose weights align with the probe direction, and single neurons that best predict each target (needs a model).'),
  topNeurons: z.number().int().min(1).default(8).describe('How many neurons per target (and per weight matrix) the neuron tables list.'),
});

export type WorldModelParams = z.output<typeof worldModelParams>;
