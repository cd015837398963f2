/**
 * Outer approximation (Duran & Grossmann; Bertsimas & Van Parys 2020 for sparse regression): minimise
 * a convex f(s) over binary s with sum s <= k by a MILP master problem
 *
 *   min eta  s.t.  eta >= f(s_t) + g_t . (s - s_t) for every visited s_t,  sum_j s_j <= k,  s binary,
 *
 * whose optimum is a lower bound; each master solution is evaluated exactly (an upper bound) and adds
 * its cut, until the bounds meet. The loss is anything behind a SupportOracle, so the same loop serves
 * regression here and sparse classification probes elsewhere. The MILP solver is pluggable.
 */
import type { IncrementalMilp, MilpConstraint, MilpProblem, MilpSolution, MilpSolver } from '../milp/milp-solver.js';
import type { SupportOracle } from './support-oracle.js';

/** Cut coefficients below this fraction of the cut's largest are dropped (with a valid weakening). */
const CUT_TERM_FLOOR = 1e-6;

export interface OuterApproximationOptions {
  k: number;
  solver: MilpSolver;
  /**
   * Wall-clock limit in ms (default none). Only when asked: a result stopped by the clock depends on the
   * machine's speed and load, so two runs can differ. The default limits are by work (`maxIterations`,
   * `masterNodeLimit`), which give the same result on every run.
   */
  timeLimitMs?: number;
  /** Branch-and-bound nodes per master solve (default none); a master stopped here still gives a valid bound. */
  masterNodeLimit?: number;
  /** Stop when (upper - lower) <= tolerance * |upper| (default 1e-6). */
  relativeGapTolerance?: number;
  /** Master solves (default 10 000). */
  maxIterations?: number;
  /**
   * Stop when each of the last `stallIterations` master solves closed less than `stallFraction` of the
   * remaining gap (default: never). A work rule like the others, so a stalled search is reproducible;
   * it saves the master solves that would not move a loose relaxation's bound.
   */
  stallIterations?: number;
  /** Share of the remaining gap below which a master solve counts as stalled (default 0.01). */
  stallFraction?: number;
  /** Supports to evaluate first (good incumbents and cuts), e.g. from a greedy heuristic. */
  initialSupports?: readonly (readonly number[])[];
  /** Extra cardinality rows: at most `k` of `members` may be chosen. */
  groups?: readonly { members: readonly number[]; k: number }[];
}

export interface OuterApproximationResult {
  support: number[];
  objective: number;
  lowerBound: number;
  gap: number;
  optimal: boolean;
  /** What stopped the search: proof, the wall clock, the master-solve limit, or the node limit of the last master. */
  status: 'optimal' | 'time-limit' | 'iteration-limit' | 'work-limit' | 'stalled';
  iterations: number;
  cuts: number;
  timeMs: number;
}

export async function outerApproximation(oracle: SupportOracle, options: OuterApproximationOptions): Promise<OuterApproximationResult> {
  const start = performance.now();
  const { p } = oracle;
  const { k, solver } = options;
  if (!Number.isInteger(k) || k < 0) throw new Error(`outerApproximation: k must be a non-negative integer, got ${k}`);
  const timeLimitMs = options.timeLimitMs ?? Infinity;
  const tol = options.relativeGapTolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 10_000;

  // Work in units of f(empty) so the master's coefficients are of order one.
  const empty = oracle.evaluate([]);
  const unit = Math.abs(empty.value) > 0 ? Math.abs(empty.value) : 1;
  let best = { support: [] as number[], value: empty.value };
  const cuts: MilpConstraint[] = [];
  const seen = new Set<string>();
  const addCut = (support: readonly number[], value: number, gradient: Float64Array): void => {
    // eta - sum_j g_j s_j >= f - sum_{j in S} g_j   (in units)
    const terms: [number, number][] = [[p, 1]];
    let rhs = value / unit;
    for (const j of support) rhs -= gradient[j] / unit;
    let largest = 0;
    for (let j = 0; j < p; j++) largest = Math.max(largest, Math.abs(gradient[j] / unit));
    for (let j = 0; j < p; j++) {
      const c = -gradient[j] / unit;
      if (c === 0) continue;
      if (Math.abs(c) < CUT_TERM_FLOOR * largest) {
        // Drop a negligible term, weakening the cut so it stays valid: c s_j <= max(c, 0) for s_j in [0, 1].
        // (Tiny coefficients also make javascript-lp-solver report feasible masters as infeasible.)
        rhs -= Math.max(c, 0);
        continue;
      }
      terms.push([j, c]);
    }
    cuts.push({ terms, lower: rhs });
  };
  const visit = (support: readonly number[]): void => {
    const key = [...support].sort((a, b) => a - b).join(',');
    if (seen.has(key)) return;
    seen.add(key);
    const ev = support.length === 0 ? empty : oracle.evaluate(support);
    addCut(support, ev.value, ev.gradient);
    if (support.length <= k && ev.value < best.value) best = { support: [...support].sort((a, b) => a - b), value: ev.value };
  };
  visit([]);
  // A cut at the all-ones point bounds the whole cube from below (valid even though it is infeasible).
  visit(Array.from({ length: p }, (_, j) => j));
  for (const s of options.initialSupports ?? []) visit(s);

  const cardinality: MilpConstraint[] = [{ terms: Array.from({ length: p }, (_, j) => [j, 1] as const), upper: k }];
  for (const g of options.groups ?? []) cardinality.push({ terms: g.members.map((j) => [j, 1] as const), upper: g.k });
  let lowerBound = -Infinity;
  let iterations = 0;
  let incremental: IncrementalMilp | null = null;
  let cutsInModel = 0;
  let status: OuterApproximationResult['status'] = 'optimal';
  const stallIterations = options.stallIterations ?? Infinity;
  const stallFraction = options.stallFraction ?? 0.01;
  let stalled = 0;
  let previousGap = Infinity;
  try {
    for (;;) {
      const elapsed = performance.now() - start;
      if (best.value - lowerBound <= tol * Math.abs(best.value)) break;
      if (elapsed >= timeLimitMs) {
        status = 'time-limit';
        break;
      }
      if (iterations >= maxIterations) {
        status = 'iteration-limit';
        break;
      }
      iterations++;
      const masterProblem: MilpProblem = {
        variableCount: p + 1,
        objective: [...new Array<number>(p).fill(0), 1],
        // Losses are non-negative, so eta >= 0 is valid (and spares solvers a free variable).
        lower: [...new Array<number>(p).fill(0), 0],
        upper: [...new Array<number>(p).fill(1), Infinity],
        integer: [...new Array<boolean>(p).fill(true), false],
        constraints: [...cardinality, ...cuts],
      };
      const solveOptions = {
        timeLimitMs: Number.isFinite(timeLimitMs) ? Math.max(1, timeLimitMs - elapsed) : undefined,
        nodeLimit: options.masterNodeLimit,
        relativeGap: tol / 10,
      };
      let master: MilpSolution;
      if (solver.open) {
        // Keep one master model and add only the new cuts (saves rebuilding it every iteration).
        if (!incremental) {
          incremental = await solver.open(masterProblem);
          cutsInModel = cuts.length;
        }
        for (; cutsInModel < cuts.length; cutsInModel++) incremental.addConstraint(cuts[cutsInModel]);
        master = await incremental.solve(solveOptions);
      } else {
        master = await solver.solve(masterProblem, solveOptions);
      }
      if (master.status === 'infeasible' || master.status === 'unbounded' || master.status === 'error') {
        throw new Error(
          `outerApproximation: the master problem is ${master.status} (${master.message ?? solver.name}); check k and the group limits`
        );
      }
      if (Number.isFinite(master.bound)) lowerBound = Math.max(lowerBound, master.bound * unit);
      if (!master.x) {
        status = master.status === 'work-limit' ? 'work-limit' : 'time-limit';
        break;
      }
      const support: number[] = [];
      for (let j = 0; j < p; j++) if (master.x[j] > 0.5) support.push(j);
      const key = support.join(',');
      if (seen.has(key)) {
        // The master re-proposed a visited support: its cut is tight there, so the master optimum equals
        // f at that support and the bounds have met (up to the solver's tolerance).
        if (master.status === 'optimal') lowerBound = Math.max(lowerBound, Math.min(best.value, master.objective * unit));
        if (master.status !== 'optimal') status = master.status === 'work-limit' ? 'work-limit' : 'time-limit';
        break;
      }
      visit(support);
      if (master.status !== 'optimal' && performance.now() - start >= timeLimitMs) {
        status = 'time-limit';
        break;
      }
      const gapNow = best.value - lowerBound;
      if (Number.isFinite(gapNow) && Number.isFinite(previousGap)) stalled = previousGap - gapNow < stallFraction * previousGap ? stalled + 1 : 0;
      previousGap = gapNow;
      if (stalled >= stallIterations && gapNow > tol * Math.abs(best.value)) {
        status = 'stalled';
        break;
      }
    }
  } finally {
    incremental?.dispose();
  }
  lowerBound = Math.min(lowerBound, best.value);
  const gap = Math.max(0, (best.value - lowerBound) / Math.max(Math.abs(best.value), Number.MIN_VALUE));
  return {
    support: best.support,
    objective: best.value,
    lowerBound,
    gap,
    optimal: solver.provesOptimality && gap <= tol * 1.01,
    status: gap <= tol * 1.01 ? 'optimal' : status,
    iterations,
    cuts: cuts.length,
    timeMs: performance.now() - start,
  };
}
