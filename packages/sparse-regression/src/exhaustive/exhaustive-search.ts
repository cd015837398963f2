/**
 * The reference solver: tries every support of size <= k and keeps the best. It is deliberately built
 * on a different code path from the branch and bound (ml-matrix's LU solve and the expanded quadratic
 * objective), so agreement between the two is evidence, not tautology. Only for small libraries:
 * it solves sum_{s<=k} C(p, s) systems.
 */
import { Matrix, solve } from 'ml-matrix';
import type { GramProblem } from '../problem/gram-problem.js';

export interface ExhaustiveResult {
  support: number[];
  coefficients: Float64Array;
  objective: number;
  /** The best objective over supports other than the optimum's (Infinity when there is none): the margin by which the optimum is unique. */
  runnerUpObjective: number;
  supportsEvaluated: number;
}

export interface ExhaustiveOptions {
  k: number;
  /** Refuse to run above this many supports (default 2 million). */
  maxSupports?: number;
  /** Only supports of exactly size k (default false: sizes 0..k). */
  exactSize?: boolean;
}

export function binomial(n: number, r: number): number {
  if (r < 0 || r > n) return 0;
  let out = 1;
  for (let i = 1; i <= r; i++) out = (out * (n - r + i)) / i;
  return Math.round(out);
}

/** Quadratic objective xi^T (G + alpha I) xi - 2 b^T xi + y^T y on the support. */
function expandedObjective(problem: GramProblem, support: number[], xi: number[]): number {
  const { p, gram, xty, yty, alpha } = problem;
  let quad = 0;
  let lin = 0;
  for (let r = 0; r < support.length; r++) {
    lin += xty[support[r]] * xi[r];
    for (let c = 0; c < support.length; c++) quad += xi[r] * xi[c] * (gram[support[r] * p + support[c]] + (r === c ? alpha : 0));
  }
  return quad - 2 * lin + yty;
}

export function exhaustiveBestSubset(problem: GramProblem, options: ExhaustiveOptions): ExhaustiveResult {
  const { p, gram, xty, alpha } = problem;
  const k = Math.min(options.k, p);
  if (!Number.isInteger(options.k) || options.k < 0) throw new Error(`exhaustiveBestSubset: k must be a non-negative integer, got ${options.k}`);
  const sizes = options.exactSize ? [k] : Array.from({ length: k + 1 }, (_, s) => s);
  const total = sizes.reduce((acc, s) => acc + binomial(p, s), 0);
  const maxSupports = options.maxSupports ?? 2_000_000;
  if (total > maxSupports) {
    throw new Error(`exhaustiveBestSubset: ${total} supports exceed the limit of ${maxSupports}; use bestSubset (branch and bound) instead`);
  }
  let best = { support: [] as number[], xi: [] as number[], objective: Infinity };
  let runnerUp = Infinity;
  let evaluated = 0;
  const consider = (support: number[]): void => {
    evaluated++;
    let xi: number[] = [];
    if (support.length > 0) {
      const h = new Matrix(support.length, support.length);
      const bs = new Matrix(support.length, 1);
      for (let r = 0; r < support.length; r++) {
        bs.set(r, 0, xty[support[r]]);
        for (let c = 0; c < support.length; c++) h.set(r, c, gram[support[r] * p + support[c]] + (r === c ? alpha : 0));
      }
      xi = solve(h, bs).getColumn(0);
    }
    const objective = expandedObjective(problem, support, xi);
    if (objective < best.objective) {
      runnerUp = best.objective;
      best = { support: support.slice(), xi, objective };
    } else if (objective < runnerUp) {
      runnerUp = objective;
    }
  };
  for (const s of sizes) {
    const idx = Array.from({ length: s }, (_, i) => i);
    if (s === 0) {
      consider([]);
      continue;
    }
    for (;;) {
      consider(idx);
      let i = s - 1;
      while (i >= 0 && idx[i] === p - s + i) i--;
      if (i < 0) break;
      idx[i]++;
      for (let j = i + 1; j < s; j++) idx[j] = idx[j - 1] + 1;
    }
  }
  const coefficients = new Float64Array(p);
  best.support.forEach((j, r) => (coefficients[j] = best.xi[r]));
  return { support: best.support, coefficients, objective: best.objective, runnerUpObjective: runnerUp, supportsEvaluated: evaluated };
}
