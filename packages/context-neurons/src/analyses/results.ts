/** The results contracts of the two analyses (zod schemas, published by `marr schema`). */
import { z } from '@marr/core';

const finite = z.number().finite();

export const neuronSchema = z.object({
  layer: z.number().int().min(0),
  neuron: z.number().int().min(0),
  f1: finite.describe('F1 of the single-neuron logistic regression on held-out rows, German = positive.'),
  mcc: finite.describe('Matthews correlation of the same predictions.'),
  meanGerman: finite.describe('Mean activation on German text (probe rows).'),
  meanEnglish: finite.describe('Mean activation on English text (probe rows): the value the ablation writes at every position.'),
  candidate: z.boolean().describe('Whether it passes the authors\' test: F1 above minF1 and a higher mean on German.'),
});

export const lossSchema = z.object({
  germanClean: finite.describe('Mean next-token loss on the German windows (nats).'),
  germanAblated: finite.describe('The same with the neuron set to its mean English activation at every position.'),
  englishClean: finite,
  englishAblated: finite,
});

const increaseSchema = z.object({ total: finite, indirectRemoved: finite, directOnly: finite });

export const pathsSchema = z.object({
  downstream: z.array(z.string()).describe('The later components patched: every later layer\'s hook_attn_out and hook_mlp_out.'),
  clean: finite.describe('Mean German loss, clean.'),
  total: finite.describe('Neuron ablated (the total effect).'),
  indirectRemoved: finite.describe('Neuron clean, every later layer\'s attention and MLP outputs patched from the ablated run: the ablation acts only through later components (the authors\' "direct effect" run).'),
  directOnly: finite.describe('Neuron ablated, later outputs kept clean: the ablation acts only through the neuron\'s direct path (the authors\' "indirect effect" run).'),
  increase: increaseSchema.describe('Each run\'s loss minus the clean loss.'),
});

export const ngramSchema = z.object({
  tokens: z.array(z.string()).length(3).describe('The trigram\'s token strings.'),
  ids: z.array(z.number().int()).length(3),
  positions: z.number().int().min(1).describe('German positions where it passed the mining test.'),
  interest: finite.describe('Largest min(total, indirect-removed loss increase) at those positions (nats).'),
  clean: finite.describe('Mean loss on the trigram\'s last token after random German prefixes, clean.'),
  total: finite,
  indirectRemoved: finite,
  directOnly: finite,
});

export const contextNeuronResults = z.object({
  neuron: neuronSchema,
  candidates: z.number().int().min(0).describe('Neurons passing the candidate test.'),
  topNeurons: z.array(neuronSchema).describe('The best neurons of each layer by F1 (topNeurons per layer).'),
  loss: lossSchema,
  paths: pathsSchema,
  ngrams: z.array(ngramSchema).describe('Validated trigrams, the largest ablation loss increase first.'),
  ngramSearch: z.object({ mined: z.number().int().min(0), validated: z.number().int().min(0), kept: z.number().int().min(0) }),
  windows: z.object({ german: z.number().int(), english: z.number().int(), contextLength: z.number().int() }),
});

export const checkpointSchema = z.object({
  model: z.string(),
  step: finite,
  f1: finite.describe('The tracked neuron\'s probe F1 at this checkpoint.'),
  mcc: finite,
  bestF1: finite.describe('The best probe F1 of any neuron at this checkpoint.'),
  bestMcc: finite.describe('The best probe MCC of any neuron that fires more on German.'),
  bestNeuron: z.string().describe('The best neuron that fires more on German, by MCC then F1.'),
  meanGerman: finite,
  meanEnglish: finite.describe('The tracked neuron\'s mean English activation here: this checkpoint\'s ablation value.'),
  loss: lossSchema,
  paths: pathsSchema,
  ngrams: z.array(z.object({ trigram: z.string(), clean: finite, total: finite, indirectRemoved: finite, directOnly: finite })),
});

export const dynamicsResults = z.object({
  neuron: z.object({ layer: z.number().int(), neuron: z.number().int(), chosenAt: z.string().describe('The checkpoint (the last model) where it was chosen.') }),
  steps: z.array(finite),
  checkpoints: z.array(checkpointSchema),
  formation: z.object({
    neuron: finite.nullable().describe('First step from which the tracked neuron\'s F1 stays above minF1.'),
    ablationHurts: finite.nullable().describe('First step from which ablating it raises German loss by more than minGermanIncrease.'),
    ngrams: z.array(
      z.object({
        trigram: z.string(),
        learned: finite.nullable().describe('First step from which its clean loss stays below validationMaxCleanLoss.'),
        circuit: finite.nullable().describe('First step from which ablating the neuron raises its loss by more than validationMinIncrease.'),
        afterParts: z.boolean().nullable().describe('Whether the circuit formed at or after both the neuron and the n-gram itself (null when one never formed).'),
      }),
    ),
  }),
});
