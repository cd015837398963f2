/**
 * The common shape of SINDy's sparse regressors: given the library Theta (samples x features) and one
 * target column per state derivative, return a coefficient row per target. MIO also returns its proof
 * (objective, lower bound, gap).
 */
import { fitSupport, gramProblem, type DesignMatrix, type GramProblem } from '@marr/sparse-regression';

export interface RegressionResult {
  /** rows = targets, columns = features. */
  coefficients: number[][];
  /** Objective of the optimiser's own problem (MIO: sum over equations of ||y - Theta xi||^2 + alpha ||xi||^2). */
  objective: number;
  /** Proven lower bound on that objective (NaN for heuristics). */
  lowerBound: number;
  /** Relative gap (NaN for heuristics). */
  gap: number;
  /** Whether optimality was proven (false for heuristics). */
  optimal: boolean;
  /** Per-target details for reports (MIO: each equation's own objective, bound and proof). */
  details?: { objective: number; lowerBound: number; optimal: boolean; nodes?: number; timeMs?: number; status?: string }[];
}

export interface SparseRegressor {
  readonly name: string;
  fit(theta: DesignMatrix, targets: readonly Float64Array[]): RegressionResult;
}

/** Gram problems for every target, sharing X^T X. */
export function gramProblems(theta: DesignMatrix, targets: readonly Float64Array[], alpha: number): GramProblem[] {
  if (targets.length === 0) throw new Error('sindy: no targets to fit');
  const first = gramProblem(theta, targets[0], alpha);
  const out = [first];
  for (let i = 1; i < targets.length; i++) {
    const y = targets[i];
    if (y.length !== theta.rows) throw new Error(`sindy: target ${i} has ${y.length} samples but the library has ${theta.rows}`);
    const xty = new Float64Array(theta.cols);
    let yty = 0;
    for (let r = 0; r < theta.rows; r++) {
      const v = y[r];
      if (!Number.isFinite(v)) throw new Error(`sindy: derivative ${i} is ${v} at sample ${r}; remove non-finite values first`);
      yty += v * v;
      if (v === 0) continue;
      const off = r * theta.cols;
      for (let j = 0; j < theta.cols; j++) xty[j] += theta.data[off + j] * v;
    }
    out.push({ ...first, xty, yty });
  }
  return out;
}

/** Ordinary least squares on a support (PySINDy's "unbias" refit); a hair of ridge if it is singular. */
export function unbiasedRefit(problem: GramProblem, support: readonly number[]): Float64Array {
  try {
    return fitSupport({ ...problem, alpha: 0 }, support).coefficients;
  } catch {
    let trace = 0;
    for (const j of support) trace += problem.gram[j * problem.p + j];
    return fitSupport({ ...problem, alpha: 1e-12 * Math.max(trace, 1) }, support).coefficients;
  }
}

/** Nonzero pattern of a coefficient row. */
export function supportOf(row: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let j = 0; j < row.length; j++) if (row[j] !== 0) out.push(j);
  return out;
}
