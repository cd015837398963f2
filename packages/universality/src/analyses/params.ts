import { z } from 'zod';

export const universalNeuronsParams = z.object({
  contextLength: z.number().int().min(2).optional().describe("Tokens per window (default: 128 or the model's context, whichever is shorter)."),
  maxTokens: z.number().int().min(1).default(65_536).describe('Tokens read from the dataset in all (whole windows; BOS, EOS and newline positions are then dropped).'),
  batchSize: z.number().int().min(1).default(16).describe('Windows per forward pass and per cross-product matrix product.'),
  threshold: z.number().default(0.5).describe('A neuron is universal when excess = mean max correlation - mean baseline max correlation is above this (the paper: 0.5).'),
  layers: z.array(z.number().int().min(0)).default([]).describe("Model 1's layers whose neurons are compared (default: all); each is compared with every neuron of every layer of the other models."),
  tokenFeatures: z.boolean().default(true).describe('Keep per-token, previous-token and position sums for the unigram, previous-token and position families (vocabulary x neurons values).'),
  familyThreshold: z.number().min(0).max(1).default(0.5).describe('Variance reduction above which a feature explains a neuron (unigram, previous-token, position families).'),
  vocabKurtosis: z.number().default(10).describe('Prediction/suppression neurons: kurtosis of cos(w_out, W_U columns) above this, with positive/negative skew.'),
  top: z.number().int().min(1).default(20).describe('Universal neurons listed in the table.'),
  maxStateMB: z.number().min(1).default(2048).describe('Refuse to start when the float64 sums would need more memory than this (restrict layers or turn off tokenFeatures).'),
});

export type UniversalNeuronsParams = z.output<typeof universalNeuronsParams>;
