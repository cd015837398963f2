/** The completeness error of an integrated-gradients run, and how it falls with the number of steps. */
import type { IntegratedGradientsResult } from '@marr/core';

export interface CompletenessStats {
  meanAbsError: number;
  maxAbsError: number;
  meanRelativeError: number | null;
}

export function completenessStats(result: IntegratedGradientsResult): CompletenessStats {
  const abs = result.prompts.map((p) => Math.abs(p.completenessError));
  const rel = result.prompts.filter((p) => p.metric !== p.baselineMetric).map((p) => Math.abs(p.completenessError) / Math.abs(p.metric - p.baselineMetric));
  return {
    meanAbsError: abs.reduce((a, b) => a + b, 0) / abs.length,
    maxAbsError: Math.max(...abs),
    meanRelativeError: rel.length ? rel.reduce((a, b) => a + b, 0) / rel.length : null,
  };
}

/** 1, 2, 4, ... below `steps` (the counts the convergence curve adds to the main run). */
export function convergenceSteps(steps: number): number[] {
  const out: number[] = [];
  for (let n = 1; n < steps; n *= 2) out.push(n);
  return out;
}
