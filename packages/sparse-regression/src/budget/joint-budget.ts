/**
 * Several regressions that share one sparsity budget (SINDy's equations sharing sum_i ||xi_i||_0 <= K),
 * each optionally with its own cap k_i. Given a support budget the equations decouple, so the joint
 * optimum is
 *
 *   min over (k_1..k_m), sum k_i <= K, k_i <= cap_i  of  sum_i f_i(k_i),
 *
 * where f_i(k) is target i's best-subset optimum with at most k features. We compute every f_i(k) to
 * proven optimality with the branch and bound and choose the allocation by dynamic programming; the
 * same dynamic programme over the proven lower bounds gives a valid joint lower bound when a time
 * limit cut some solves short.
 */
import { bestSubset, type BestSubsetResult } from '../branch-and-bound/best-subset.js';
import type { GramProblem } from '../problem/gram-problem.js';

export interface JointBudgetOptions {
  /** Total nonzeros over all targets (omit for per-target caps only). */
  totalK?: number;
  /** Per-target caps (default: totalK for every target). */
  perTargetK?: readonly number[];
  /** Time limit for the whole solve in ms (default 30 000), shared out over the subproblems. */
  timeLimitMs?: number;
  relativeGapTolerance?: number;
}

export interface JointBudgetResult {
  /** One result per target, at its allocated budget. */
  targets: BestSubsetResult[];
  /** Allocated budget per target. */
  allocation: number[];
  objective: number;
  lowerBound: number;
  gap: number;
  optimal: boolean;
  timeMs: number;
}

export function jointBestSubset(problems: readonly GramProblem[], options: JointBudgetOptions): JointBudgetResult {
  const start = performance.now();
  const m = problems.length;
  if (m === 0) throw new Error('jointBestSubset: give at least one target');
  const { totalK } = options;
  if (totalK === undefined && !options.perTargetK) throw new Error('jointBestSubset: give totalK, perTargetK or both');
  if (totalK !== undefined && (!Number.isInteger(totalK) || totalK < 0)) throw new Error(`jointBestSubset: totalK must be a non-negative integer, got ${totalK}`);
  if (options.perTargetK && options.perTargetK.length !== m) {
    throw new Error(`jointBestSubset: perTargetK has ${options.perTargetK.length} entries for ${m} targets`);
  }
  const caps = problems.map((pr, i) => Math.min(options.perTargetK?.[i] ?? Infinity, totalK ?? Infinity, pr.p));
  const budget = totalK ?? caps.reduce((a, b) => a + b, 0);
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  let remainingSolves = caps.reduce((a, c) => a + c + 1, 0);
  // solved[i][k] = best subset of target i with at most k features.
  const solved: BestSubsetResult[][] = problems.map((pr, i) => {
    const row: BestSubsetResult[] = [];
    for (let k = 0; k <= caps[i]; k++) {
      const left = timeLimitMs - (performance.now() - start);
      const share = Math.max(0, left / Math.max(1, remainingSolves--));
      row.push(bestSubset(pr, { k, timeLimitMs: share, relativeGapTolerance: options.relativeGapTolerance }));
    }
    return row;
  });
  const allocate = (value: (i: number, k: number) => number): { total: number; allocation: number[] } => {
    // best[i][b] = min sum over targets < i using at most b nonzeros.
    let best = new Float64Array(budget + 1); // zero targets: 0
    const choice: Int32Array[] = [];
    for (let i = 0; i < m; i++) {
      const next = new Float64Array(budget + 1).fill(Infinity);
      const ch = new Int32Array(budget + 1);
      for (let b = 0; b <= budget; b++) {
        for (let k = 0; k <= Math.min(caps[i], b); k++) {
          const v = best[b - k] + value(i, k);
          if (v < next[b]) {
            next[b] = v;
            ch[b] = k;
          }
        }
      }
      choice.push(ch);
      best = next;
    }
    const allocation = new Array<number>(m);
    let b = budget;
    for (let i = m - 1; i >= 0; i--) {
      allocation[i] = choice[i][b];
      b -= allocation[i];
    }
    return { total: best[budget], allocation };
  };
  const primal = allocate((i, k) => solved[i][k].objective);
  const dual = allocate((i, k) => solved[i][k].lowerBound);
  const targets = primal.allocation.map((k, i) => solved[i][k]);
  const objective = primal.total;
  const lowerBound = Math.min(dual.total, objective);
  const yty = problems.reduce((a, pr) => a + pr.yty, 0);
  const gap = Math.max(0, (objective - lowerBound) / Math.max(Math.abs(objective), 1e-12 * yty));
  return {
    targets,
    allocation: primal.allocation,
    objective,
    lowerBound,
    gap,
    optimal: solved.every((row) => row.every((r) => r.optimal)),
    timeMs: performance.now() - start,
  };
}
