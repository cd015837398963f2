/** Parameters of the `sindy` analysis. */
import { z } from 'zod';

export const sindyParams = z.object({
  states: z.array(z.string()).optional().describe('State columns (default: every column except time, trajectory and derivative columns dx...)'),
  timeColumn: z.string().optional().describe('Time column (default: the loader\'s, else "t")'),
  trajectoryColumn: z.string().optional().describe('Column with a trajectory id, to fit several runs at once (default "trajectory" when present)'),
  resample: z.boolean().default(false).describe('Resample irregular time grids onto a uniform one (linear interpolation) instead of failing'),
  degree: z.number().int().min(1).max(8).default(2).describe('Polynomial library degree (terms in PySINDy order, with a constant)'),
  derivative: z.enum(['fd', 'smoothed-fd']).default('smoothed-fd').describe('Differentiation: second-order finite differences, or Savitzky-Golay smoothing then FD'),
  smoothingWindow: z.number().int().min(3).default(11).describe('Savitzky-Golay window (odd) for smoothed-fd'),
  method: z.enum(['mio', 'stlsq', 'sr3']).default('mio').describe('Sparse regression: exact MIO (best subset), STLSQ or SR3'),
  k: z.number().int().min(0).optional().describe('MIO: nonzero terms per equation; omit to choose per equation by held-out AICc over 1..kMax'),
  totalK: z.number().int().min(0).optional().describe('MIO: joint budget of nonzero terms over all equations (PySINDy target_sparsity)'),
  kMax: z.number().int().min(1).max(12).default(5).describe('MIO: largest k tried by AICc selection'),
  alpha: z.number().min(0).default(0.01).describe('Ridge weight of the MIO objective (STLSQ uses it as its ridge too)'),
  alphaGrid: z.array(z.number().min(0)).optional().describe('MIO: ridge weights to choose from by held-out AICc together with k (overrides alpha when k is omitted)'),
  threshold: z.number().min(0).optional().describe('STLSQ/SR3 coefficient threshold; omit to choose by held-out AICc over a log grid'),
  nu: z.number().positive().default(1).describe('SR3 relaxation parameter'),
  ensemble: z.number().int().min(0).default(0).describe('Bagging: number of models fitted on 60% resamples and combined by the median (0 = off)'),
  validationFraction: z.number().gt(0).lt(1).default(0.2).describe('Share of samples held out for AICc selection and R^2'),
  timeLimit: z.number().positive().default(30).describe('MIO time limit per solve in seconds (a stopped solve reports its gap)'),
  simulate: z.boolean().default(true).describe('Simulate the discovered model from each trajectory\'s first state and report trajectory R^2'),
});

export type SindyParams = z.output<typeof sindyParams>;
