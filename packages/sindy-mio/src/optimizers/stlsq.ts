/**
 * Sequentially thresholded least squares (PySINDy's STLSQ): ridge regression on the active features,
 * zero the coefficients below `threshold`, repeat until the active set stops changing, then refit by
 * least squares on the final support.
 */
import { fitSupport, type DesignMatrix } from '@marr/sparse-regression';
import { gramProblems, supportOf, unbiasedRefit, type RegressionResult, type SparseRegressor } from './regressor.js';

export interface StlsqOptions {
  /** Minimum coefficient magnitude (default 0.1). */
  threshold?: number;
  /** Ridge weight (default 0.05). */
  alpha?: number;
  maxIterations?: number;
  unbias?: boolean;
}

export function stlsqRegressor(options: StlsqOptions = {}): SparseRegressor {
  const threshold = options.threshold ?? 0.1;
  const alpha = options.alpha ?? 0.05;
  const maxIterations = options.maxIterations ?? 20;
  if (!(threshold >= 0)) throw new Error(`stlsq: threshold must be >= 0, got ${threshold}`);
  if (!(alpha >= 0)) throw new Error(`stlsq: alpha must be >= 0, got ${alpha}`);
  return {
    name: 'stlsq',
    fit(theta: DesignMatrix, targets: readonly Float64Array[]): RegressionResult {
      const problems = gramProblems(theta, targets, alpha);
      const p = theta.cols;
      const coefficients = problems.map((problem) => {
        let active = Array.from({ length: p }, (_, j) => j);
        let coef: Float64Array = new Float64Array(p);
        for (let it = 0; it < maxIterations; it++) {
          if (active.length === 0) break;
          const fit = fitSupport(problem, active);
          const next = active.filter((j) => Math.abs(fit.coefficients[j]) >= threshold);
          coef = new Float64Array(p);
          for (const j of next) coef[j] = fit.coefficients[j];
          const stable = next.length === active.length;
          active = next;
          if (stable) break;
        }
        if (options.unbias !== false && active.length > 0) coef = unbiasedRefit(problem, supportOf(coef));
        return Array.from(coef);
      });
      return { coefficients, objective: Number.NaN, lowerBound: Number.NaN, gap: Number.NaN, optimal: false };
    },
  };
}
