/**
 * Sparse relaxed regularised regression with the L0 penalty (PySINDy's SR3 defaults): alternate
 *   w = (Theta^T Theta + I / nu)^-1 (Theta^T y + v / nu)   and   v = hard-threshold(w, threshold),
 * starting from least squares, until v changes by less than `tol`; then refit on v's support.
 */
import { choleskyFactor, backSubstitute, forwardSubstitute, fitSupport, type DesignMatrix } from '@marr/sparse-regression';
import { gramProblems, supportOf, unbiasedRefit, type RegressionResult, type SparseRegressor } from './regressor.js';

export interface Sr3Options {
  /** Hard threshold on v (default 0.1; lambda = threshold^2 / (2 nu)). */
  threshold?: number;
  /** Relaxation (default 1). */
  nu?: number;
  tol?: number;
  maxIterations?: number;
  unbias?: boolean;
}

export function sr3Regressor(options: Sr3Options = {}): SparseRegressor {
  const threshold = options.threshold ?? 0.1;
  const nu = options.nu ?? 1;
  const tol = options.tol ?? 1e-5;
  const maxIterations = options.maxIterations ?? 30;
  if (!(nu > 0)) throw new Error(`sr3: nu must be > 0, got ${nu}`);
  if (!(threshold >= 0)) throw new Error(`sr3: threshold must be >= 0, got ${threshold}`);
  return {
    name: 'sr3',
    fit(theta: DesignMatrix, targets: readonly Float64Array[]): RegressionResult {
      const problems = gramProblems(theta, targets, 0);
      const p = theta.cols;
      const h = new Float64Array(problems[0].gram);
      for (let j = 0; j < p; j++) h[j * p + j] += 1 / nu;
      const l = choleskyFactor(h, p);
      if (!l) throw new Error('sr3: Theta^T Theta + I/nu is not positive definite; check the library for NaNs');
      let trace = 0;
      for (let j = 0; j < p; j++) trace += problems[0].gram[j * p + j];
      const all = Array.from({ length: p }, (_, j) => j);
      const coefficients = problems.map((problem) => {
        // Least-squares start (a hair of ridge keeps rank-deficient libraries solvable).
        let v = fitSupport({ ...problem, alpha: 1e-12 * Math.max(trace, 1) }, all).coefficients;
        for (let it = 0; it < maxIterations; it++) {
          const rhs = new Float64Array(p);
          for (let j = 0; j < p; j++) rhs[j] = problem.xty[j] + v[j] / nu;
          const w = backSubstitute(l, p, forwardSubstitute(l, p, rhs));
          const next = new Float64Array(p);
          for (let j = 0; j < p; j++) next[j] = Math.abs(w[j]) > threshold ? w[j] : 0;
          let change = 0;
          for (let j = 0; j < p; j++) change += (next[j] - v[j]) ** 2;
          v = next;
          if (change < tol) break;
        }
        if (options.unbias !== false && supportOf(v).length > 0) v = unbiasedRefit(problem, supportOf(v));
        return Array.from(v);
      });
      return { coefficients, objective: Number.NaN, lowerBound: Number.NaN, gap: Number.NaN, optimal: false };
    },
  };
}
