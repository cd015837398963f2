/** Parameters shared by the patching analyses. */
import { PATCHING_METRICS, z, type PatchingMetricName } from '@marr/core';

export const metricParam = z
  .enum(PATCHING_METRICS as unknown as [PatchingMetricName, ...PatchingMetricName[]])
  .default('logit-diff')
  .describe('logit-diff: logit(answer) - logit(wrong) at the last position; probability: p(answer); loss: -log p(answer) in nats.');

export const commonParams = {
  metric: metricParam,
  maxPairs: z.number().int().min(1).default(256).describe('Use at most this many pairs (the first ones in the file).'),
  batchSize: z.number().int().min(1).default(16).describe('Patched runs per forward pass (each batch row is a different patch).'),
  top: z.number().int().min(1).default(5).describe('How many of the strongest components the summary and the table name.'),
};
