/**
 * MIOSR: per equation, the best k-sparse ridge regression solved to proven optimality
 * (@marr/sparse-regression's branch and bound), optionally under a joint budget across equations.
 * As in PySINDy's MIOSR (unbias = True), the reported coefficients are then refitted by least squares
 * on the chosen support; `objective`, `lowerBound` and `gap` describe the MIO problem itself.
 */
import { bestSubset, constrainedBestSubset, jointBestSubset, type BestSubsetResult, type EqualityConstraints } from '@marr/sparse-regression';
import type { DesignMatrix } from '@marr/sparse-regression';
import { gramProblems, unbiasedRefit, type RegressionResult, type SparseRegressor } from './regressor.js';

export interface MioOptions {
  /** Nonzeros per equation: one number for all, or one per equation. */
  k?: number | readonly number[];
  /** Joint budget over all equations (PySINDy's target_sparsity). */
  totalK?: number;
  /** Ridge weight (default 0.01, PySINDy's MIOSR default). */
  alpha?: number;
  /** Time limit per solve in ms (default 30 000). */
  timeLimitMs?: number;
  /** Refit by least squares on the support (default true). */
  unbias?: boolean;
  relativeGapTolerance?: number;
  /**
   * Linear equality constraints C vec(Xi) = d on the coefficients, vec in target order (all features
   * of equation 0, then equation 1, ...). With constraints the coefficients are not refitted (a refit
   * would break them).
   */
  constraints?: EqualityConstraints;
}

export function mioRegressor(options: MioOptions): SparseRegressor {
  const alpha = options.alpha ?? 0.01;
  if (options.k === undefined && options.totalK === undefined && !options.constraints) throw new Error('mio: give k (per equation) or totalK (joint budget)');
  if (!(alpha >= 0)) throw new Error(`mio: alpha must be >= 0, got ${alpha}`);
  return {
    name: 'mio',
    fit(theta: DesignMatrix, targets: readonly Float64Array[]): RegressionResult {
      const problems = gramProblems(theta, targets, alpha);
      const m = targets.length;
      const kFor = (i: number): number | undefined => (options.k === undefined ? undefined : typeof options.k === 'number' ? options.k : options.k[i]);
      if (Array.isArray(options.k) && options.k.length !== m) throw new Error(`mio: k has ${options.k.length} entries for ${m} equations`);
      for (let i = 0; i < m; i++) {
        const k = kFor(i);
        if (k !== undefined && (!Number.isInteger(k) || k < 0)) throw new Error(`mio: k must be a non-negative integer, got ${k}`);
        if (k !== undefined && k > theta.cols) {
          throw new Error(`mio: k = ${k} exceeds the library size ${theta.cols}; use k <= ${theta.cols} or a larger library`);
        }
      }
      if (options.constraints) {
        const res = constrainedBestSubset(problems, {
          constraints: options.constraints,
          k: options.k,
          totalK: options.totalK,
          timeLimitMs: options.timeLimitMs,
          relativeGapTolerance: options.relativeGapTolerance,
        });
        if (res.status === 'infeasible') {
          throw new Error('mio: no support within the sparsity limits satisfies the equality constraints; raise k/totalK or check C and d');
        }
        return {
          coefficients: res.coefficients.map((c) => Array.from(c)),
          objective: res.objective,
          lowerBound: res.lowerBound,
          gap: res.gap,
          optimal: res.optimal,
        };
      }
      let results: BestSubsetResult[];
      let objective: number;
      let lowerBound: number;
      let optimal: boolean;
      if (options.totalK !== undefined) {
        const joint = jointBestSubset(problems, {
          totalK: options.totalK,
          perTargetK: options.k === undefined ? undefined : Array.from({ length: m }, (_, i) => kFor(i) as number),
          timeLimitMs: options.timeLimitMs,
          relativeGapTolerance: options.relativeGapTolerance,
        });
        results = joint.targets;
        objective = joint.objective;
        lowerBound = joint.lowerBound;
        optimal = joint.optimal;
      } else {
        results = problems.map((pr, i) =>
          bestSubset(pr, { k: kFor(i) as number, timeLimitMs: options.timeLimitMs, relativeGapTolerance: options.relativeGapTolerance }),
        );
        objective = results.reduce((a, r) => a + r.objective, 0);
        lowerBound = results.reduce((a, r) => a + r.lowerBound, 0);
        optimal = results.every((r) => r.optimal);
      }
      const coefficients = results.map((r, i) => Array.from(options.unbias === false ? r.coefficients : unbiasedRefit(problems[i], r.support)));
      const yty = problems.reduce((a, pr) => a + pr.yty, 0);
      return {
        coefficients,
        objective,
        lowerBound,
        gap: Math.max(0, (objective - lowerBound) / Math.max(Math.abs(objective), 1e-12 * yty)),
        optimal,
        details: results.map((r) => ({ objective: r.objective, lowerBound: r.lowerBound, optimal: r.optimal, nodes: r.nodes, timeMs: r.timeMs, status: r.status })),
      };
    },
  };
}
