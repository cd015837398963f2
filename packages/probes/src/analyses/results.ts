/**
 * The `results` schemas of the probing analyses (their public contracts, as in the README): validated
 * by the runner, published by `marr schema <analysis>` and shown in the docs. Objects are open: a field
 * added later is allowed, the ones named here are required with these types.
 */
import { z } from '@marr/core';

const probeRow = z.object({
  method: z.string().describe('ranker (mean-diff, f-stat, ...) or osp'),
  k: z.number().int(),
  layer: z.string().describe('hook point the probe was fitted on'),
  selected: z.array(z.string()).describe('the k neurons, e.g. "L3N41"'),
  f1: z.number(),
  precision: z.number(),
  recall: z.number(),
  mcc: z.number(),
  rocAuc: z.number(),
  prAuc: z.number(),
  balancedAccuracy: z.number(),
  accuracy: z.number(),
  coefficients: z.array(z.number()).describe('refit coefficients on the selected neurons (standardised units)'),
  intercept: z.number(),
});

const optimalityRow = z.object({
  k: z.number().int(),
  objective: z.number(),
  bound: z.number().nullable().describe('proven lower bound on the objective (null when none was proven)'),
  gap: z.number().nullable(),
  optimal: z.boolean().describe('true only when the bound meets the objective'),
  status: z.string(),
  solvedBy: z.string().describe('enumeration or outer-approximation'),
});

const layerSummary = z.object({
  hookPoint: z.string(),
  layer: z.number().int().nullable(),
  bestNeuron: z.string().describe('the best single neuron (exact k = 1 by training objective)'),
  f1: z.number(),
  mcc: z.number(),
  rocAuc: z.number(),
  sign: z.number().describe('+1 when the neuron fires more for the feature'),
});

export const sparseProbeResults = z.object({
  feature: z.string().describe('the positive class'),
  granularity: z.enum(['context', 'token', 'table']),
  examples: z.object({ train: z.number().int(), test: z.number().int(), positives: z.number().int() }),
  bestLayer: z.string().describe('hook point the k sweep ran on'),
  bestNeuron: z.string(),
  layers: z.array(layerSummary),
  byK: z.array(probeRow).describe('one row per method and k'),
  optimality: z.array(optimalityRow).describe('OSP: one row per k'),
});

export const probeSweepResults = z.object({
  features: z.array(
    z.object({
      feature: z.string(),
      bestLayer: z.string(),
      bestF1: z.number(),
      bestK: z.number().int(),
      layers: z.array(
        z.object({
          hookPoint: z.string(),
          layer: z.number().int().nullable(),
          bestNeuron: z.string(),
          bestNeuronF1: z.number(),
          f1ByK: z.array(z.object({ k: z.number().int(), f1: z.number() })),
        }),
      ),
    }),
  ),
  byK: z.array(probeRow.extend({ feature: z.string() })).describe('every probe, with its feature and layer'),
});
