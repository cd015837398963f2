/** Parameters shared by the analyses. */
import { z } from '@marr/core';

export const textParams = {
  contextLength: z.number().int().min(5).optional().describe('Tokens per window, BOS included (default 128, or the model context when it is shorter).'),
  maxTokens: z.number().int().min(5).default(4096).describe('Read at most this many tokens of the dataset (windows x contextLength); every neuron is ablated at every scored one.'),
  batchSize: z.number().int().min(1).default(16).describe('Windows per forward pass of the clean run.'),
};

export const layerParam = z
  .number()
  .int()
  .min(0)
  .optional()
  .describe('The layer whose neurons are analysed (default the last). For a layer other than the last the ablation adds to the final residual, i.e. measures the neuron\'s direct path to the final norm, as the authors\' code does.');

export const nullSpaceKParam = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe('k, the number of smallest singular directions of the effective unembedding that form its null space (default round(0.015 d_model), at least 1; the paper\'s 12 for GPT-2 small). The report shows the spectrum to choose it from.');

export const topParam = z.number().int().min(1).default(10).describe('How many neurons the summary, tables and figure labels name.');

export const ablateParam = z
  .number()
  .int()
  .min(1)
  .optional()
  .describe('Mean-ablate only 2 x ablate neurons: the top `ablate` by the analysis\'s score and as many others drawn at random (seeded), as the authors compare entropy neurons with random ones; the rest keep their weight numbers and null ablation fields. Default: every neuron (time grows with d_mlp x tokens x d_vocab).');
