/** Parameters shared by the analyses that read text. */
import { z } from '@marr/core';

export const textParams = {
  contextLength: z.number().int().min(3).optional().describe('Tokens per window, BOS included (default 128, or the model context when it is shorter).'),
  maxTokens: z.number().int().min(3).default(16384).describe('Stop reading the dataset after this many tokens (windows x contextLength).'),
  batchWindows: z.number().int().min(1).optional().describe('Windows per forward batch (default: as many as keep a batch\'s logits and attention patterns under ~64 MB each).'),
};

export const neuronParams = {
  kurtosisThreshold: z.number().positive().default(10).describe('Kurtosis (not excess) above which a neuron counts as prediction/suppression; depends on vocabulary size.'),
  skewThreshold: z.number().min(0).default(0).describe('Prediction: skew > this; suppression: skew < -this.'),
  processing: z.enum(['transformer-lens', 'raw']).default('transformer-lens').describe('transformer-lens: fold the final norm scale into W_U, centre W_U over the vocabulary (and centre w_out for LayerNorm models), as the paper did; raw: use the weights as stored.'),
};

export const localityParams = {
  maxOffset: z.number().int().min(1).default(5).describe('Offsets 1..maxOffset (tokens back) whose attention is measured.'),
};
