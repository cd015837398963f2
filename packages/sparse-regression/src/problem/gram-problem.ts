/**
 * The ridge-regularised least-squares problem in Gram form. Everything the exact solvers need about
 * min ||y - X xi||^2 + alpha ||xi||^2 is G = X^T X, b = X^T y and y^T y, so n never enters the search.
 * The optimal value on a support S is  y^T y - b_S^T (G_SS + alpha I)^-1 b_S.
 */
import { backSubstitute, choleskyFactor, forwardSubstitute } from '../linalg/cholesky.js';
import type { DesignMatrix } from './design-matrix.js';

export interface GramProblem {
  /** Number of candidate features. */
  p: number;
  /** X^T X, row-major p x p. */
  gram: Float64Array;
  /** X^T y. */
  xty: Float64Array;
  /** y^T y. */
  yty: number;
  /** Ridge weight (>= 0). */
  alpha: number;
  /** Number of samples behind the Gram matrix (for information criteria). */
  samples: number;
}

export function gramProblem(x: DesignMatrix, y: ArrayLike<number>, alpha: number): GramProblem {
  if (y.length !== x.rows) {
    throw new Error(`gramProblem: the target has ${y.length} values but the design matrix has ${x.rows} rows`);
  }
  if (!(alpha >= 0) || !Number.isFinite(alpha)) {
    throw new Error(`gramProblem: alpha must be a finite number >= 0, got ${alpha}`);
  }
  const { rows: n, cols: p, data } = x;
  const gram = new Float64Array(p * p);
  const xty = new Float64Array(p);
  let yty = 0;
  for (let i = 0; i < n; i++) {
    const off = i * p;
    const yi = y[i];
    if (!Number.isFinite(yi)) throw new Error(`gramProblem: target value ${i} is ${yi}; remove or impute non-finite values first`);
    yty += yi * yi;
    for (let a = 0; a < p; a++) {
      const xa = data[off + a];
      if (!Number.isFinite(xa)) {
        throw new Error(`gramProblem: design matrix entry (${i}, ${a}) is ${xa}; remove or impute non-finite values first`);
      }
      if (xa === 0) continue;
      xty[a] += xa * yi;
      for (let c = a; c < p; c++) gram[a * p + c] += xa * data[off + c];
    }
  }
  for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) gram[a * p + c] = gram[c * p + a];
  return { p, gram, xty, yty, alpha, samples: n };
}

export interface SupportFit {
  /** Objective ||y - X xi||^2 + alpha ||xi||^2 at the optimal coefficients on the support. */
  objective: number;
  /** Full-length coefficient vector (zeros off the support). */
  coefficients: Float64Array;
}

/** Solves the ridge problem restricted to `support`; throws when the restricted system is singular. */
export function fitSupport(problem: GramProblem, support: readonly number[]): SupportFit {
  const { p, gram, xty, yty, alpha } = problem;
  const s = support.length;
  const coefficients = new Float64Array(p);
  if (s === 0) return { objective: yty, coefficients };
  const h = new Float64Array(s * s);
  const bs = new Float64Array(s);
  for (let r = 0; r < s; r++) {
    bs[r] = xty[support[r]];
    for (let c = 0; c < s; c++) h[r * s + c] = gram[support[r] * p + support[c]] + (r === c ? alpha : 0);
  }
  const l = choleskyFactor(h, s);
  if (!l) {
    throw new Error(
      `fitSupport: the features [${support.join(', ')}] are linearly dependent and alpha = ${alpha}; use alpha > 0 or drop duplicate features`,
    );
  }
  const z = forwardSubstitute(l, s, bs);
  const xi = backSubstitute(l, s, z);
  let explained = 0;
  for (let r = 0; r < s; r++) explained += z[r] * z[r];
  for (let r = 0; r < s; r++) coefficients[support[r]] = xi[r];
  return { objective: yty - explained, coefficients };
}
