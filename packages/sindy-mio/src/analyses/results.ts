/**
 * The `results` schemas of the SINDy analyses (their public contracts): validated by the runner,
 * published by `marr schema <analysis>` and shown in the docs. Objects are open: fields added later
 * (e.g. timings) are allowed; the ones named here are required with these types.
 */
import { z } from 'zod';

export const sindyResults = z.object({
  featureNames: z.array(z.string()).describe('library terms, in PySINDy order'),
  stateNames: z.array(z.string()),
  coefficients: z.array(z.array(z.number())).describe('one row per state equation, one column per library term'),
  support: z.array(z.array(z.number().int())).describe('1 where a coefficient is nonzero, else 0'),
  equations: z.array(z.string()).describe('the discovered equations as text, e.g. "dx/dt = -0.1 x + 2 y"'),
  objective: z.number().nullable(),
  lowerBound: z.number().nullable().describe('MIO: proven lower bound on the objective'),
  gap: z.number().nullable(),
  optimal: z.boolean().describe('MIO: the solver proved the support optimal'),
  method: z.enum(['mio', 'stlsq', 'sr3']),
  selectedCandidates: z.unknown().describe('the hyperparameters chosen by held-out AICc, or null when given'),
  derivativeR2: z.number().nullable(),
  simulationR2: z.array(z.number().nullable()).describe('per trajectory: R^2 of the simulated discovered model (null when not simulated)'),
});

export const sindyBenchmarkResults = z.object({
  curves: z.array(
    z.object({
      system: z.string(),
      method: z.string(),
      noise: z.number(),
      durations: z.array(z.number()),
      meanTruePositivity: z.array(z.number().nullable()),
      successRate: z.array(z.number().nullable()).describe('fraction of runs recovering the true support, per duration'),
      meanSeconds: z.array(z.number().nullable()),
      provenRate: z.array(z.number().nullable()),
    }),
  ),
  overall: z.record(z.string(), z.number()).describe('mean true positivity per method, over all settings'),
});
