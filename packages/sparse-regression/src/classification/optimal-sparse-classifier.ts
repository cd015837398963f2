/**
 * Exact k-sparse logistic classification (the "optimal sparse probe" of Gurnee et al. 2023): the
 * support of at most k columns minimising the class-weighted, L2-regularised logistic loss, found by the
 * shared outer-approximation loop (MILP master over the support, cutting planes from the logistic
 * oracle). The result carries the proven lower bound and the relative gap; `optimal` is true only when
 * the MILP solver proved the bounds met, or every support of size k was fitted (enumeration, chosen
 * whenever its cost is below the outer approximation's work budget).
 *
 * By default every limit is a limit on work (master solves, branch-and-bound nodes per master), so a
 * stopped search returns the same support, bound and gap on every run; a wall-clock limit is used only
 * when `timeLimitMs` is given, and then the result says it is not reproducible.
 */
import { highsSolver } from '../milp/highs-solver.js';
import type { MilpSolver } from '../milp/milp-solver.js';
import { outerApproximation, type OuterApproximationResult } from '../outer-approximation/outer-approximation.js';
import type { SupportEvaluation } from '../outer-approximation/support-oracle.js';
import { binomial } from '../exhaustive/exhaustive-search.js';
import type { DesignMatrix } from '../problem/design-matrix.js';
import type { LogisticFit } from './logistic-regression.js';
import { logisticSupportOracle, type LogisticSupportOracle } from './logistic-support-oracle.js';

/**
 * Default master solves per call (the outer approximation's work limit). Three: on loose relaxations (the
 * probes' weak ridge on nearly separable neurons) further solves barely move the bound. On the default
 * model's language-id probe 3 solves gave gaps 0.769 ... 0.529 for k = 4..8 where 10 gave 0.767 ... 0.524
 * at 1.6 times the cost; on packages/probes/bench/osp-time-to-proof.mjs 30 solves of 2000 nodes gave the
 * 10-solve gaps to two digits at 3-4 times the cost. Ask for more (maxIterations) to close a gap that moves.
 */
export const DEFAULT_OSP_MAX_ITERATIONS = 3;
/** Default branch-and-bound nodes per master solve. */
export const DEFAULT_OSP_MASTER_NODE_LIMIT = 500;
/**
 * Enumeration is chosen while fitting all C(p, k) supports costs at most this much `fitWork` (with the
 * Newton iterations measured on the data): about 15 s of fits on one core of the development machine,
 * which does about 3e8 units a second (k = 3 on 50 candidates and 2000 well-conditioned examples fits;
 * nearly separable data, which need many more Newton steps, do not). Counted in work, so the choice is
 * the same on every machine. Beyond it the outer approximation, whose work limit (10 master solves of at
 * most 500 nodes) costs a few seconds per k, gives a bound, though with the probes' weak ridge rarely a
 * proof.
 */
export const ENUMERATION_WORK_BUDGET = 4e9;

/**
 * The work of one logistic fit on n examples and a support of size k: Newton iterations x n x (k+1)^2.
 * `iterations` defaults to 8; the classifier measures it on a support of size k of the data at hand
 * (nearly separable data need several times more), which keeps the estimate a count, not a time.
 */
export function fitWork(n: number, k: number, iterations = 8): number {
  return iterations * n * (k + 1) * (k + 1);
}

/** Evaluations of the logistic oracle by support key ("3,7,12"), shared across calls to reuse cuts (e.g. across k). */
export type CutPool = Map<string, { support: number[]; evaluation: SupportEvaluation }>;

export interface SparseClassifierOptions {
  /** Largest support size. */
  k: number;
  /** Inverse L2 strength of the logistic fit (default 1). */
  C?: number;
  /** Per-example weights, e.g. balancedClassWeights(labels). */
  weights?: ArrayLike<number>;
  /** MILP solver for the master problem (default HiGHS). */
  solver?: MilpSolver;
  /**
   * Wall-clock limit in ms (default none). Only when asked: the result then depends on the machine's
   * speed and is marked `reproducible: false`.
   */
  timeLimitMs?: number;
  /** Master solves of the outer approximation (default DEFAULT_OSP_MAX_ITERATIONS): a work limit. */
  maxIterations?: number;
  /** Branch-and-bound nodes per master solve (default DEFAULT_OSP_MASTER_NODE_LIMIT): a work limit. */
  masterNodeLimit?: number;
  /** Stop after this many master solves in a row that each closed < 1 % of the gap (default: never). */
  stallIterations?: number;
  relativeGapTolerance?: number;
  /** Supports to evaluate first (incumbents and cuts), e.g. the top-k of a ranker. */
  initialSupports?: readonly (readonly number[])[];
  /** Also start from the greedy forward-selection path (default true). */
  greedyWarmStart?: boolean;
  /**
   * Also evaluate every single column first (default true): p cheap fits whose cuts give the master a
   * tight picture of each column alone (k = 1 is then solved by the first master problem).
   */
  singletonCuts?: boolean;
  /**
   * Enumerate when there are at most this many supports of size exactly k (0: always use outer
   * approximation). Default: whenever fitting all C(p, k) supports costs at most ENUMERATION_WORK_BUDGET
   * (counted in work, not time, so the choice is the same on every machine). The L2-logistic optimum over sizes <= k
   * is attained at size k (a larger support can set a coefficient to 0), so size k suffices.
   */
  enumerationLimit?: number;
  /** Cuts from earlier calls on the same columns and objective (e.g. the previous k); new evaluations are added to it. */
  cutPool?: CutPool;
}

export interface SparseClassifierResult extends OuterApproximationResult {
  coefficients: Float64Array;
  intercept: number;
  /** How optimality was established (or attempted). */
  method: 'enumeration' | 'outer-approximation';
  /** Logistic fits done for this k (cached cuts not counted). */
  supportsEvaluated: number;
  /** Supports of size k that enumeration ruled out by a cut without fitting them. */
  supportsScreened: number;
  /** Supports of size k whose fit enumeration stopped early, once their dual bound reached the incumbent. */
  supportsStoppedEarly: number;
  /** False when a wall-clock limit was given: a stopped search then depends on the machine. */
  reproducible: boolean;
}

/**
 * Greedy forward selection by the oracle's gradient: repeatedly add the column whose cut promises the
 * largest decrease. Returns the nested supports of sizes 1..k (cheap, good incumbents and cuts).
 */
export function greedyForwardSupports(oracle: Pick<LogisticSupportOracle, 'p' | 'evaluate'>, k: number): number[][] {
  const supports: number[][] = [];
  let current: number[] = [];
  for (let size = 1; size <= Math.min(k, oracle.p); size++) {
    const { gradient } = oracle.evaluate(current);
    let best = -1;
    for (let j = 0; j < oracle.p; j++) {
      if (current.includes(j)) continue;
      if (best < 0 || gradient[j] < gradient[best]) best = j;
    }
    current = [...current, best].sort((a, b) => a - b);
    supports.push(current);
  }
  return supports;
}

/**
 * Enumeration of the supports of size exactly k, screened by cuts. Every evaluated support t gives the
 * valid lower bound f(S) >= f_t + sum_{j in S} g_tj - sum_{j in S_t} g_tj for every S (weak duality: the
 * outer approximation's cut), so a support whose best cut already reaches the incumbent cannot beat it
 * and is not fitted. Each new incumbent adds its own cut, the one that screens best near it. Ties go to
 * the first support in lexicographic order. The supports sharing their first k - 1 columns come in a row:
 * that prefix is fitted once, its cut screens them in O(1) each, and each remaining fit starts from the
 * prefix's optimum and stops as soon as its own dual bound reaches the incumbent (a certified bound, so
 * no support that could win is dropped). On the default model's language-id probe (50 candidates,
 * n = 1400, C = 1) this cut the whole sparse-probe run from 65 to 25 CPU seconds together with the refit
 * memo and the 3-solve default; packages/probes/bench/osp-time-to-proof.mjs measures k = 1..8.
 */
function screenedEnumeration(
  oracle: Pick<LogisticSupportOracle, 'p' | 'evaluate' | 'cutAt'>,
  pool: CutPool,
  fitSupport: (support: readonly number[], start?: LogisticFit, stopAbove?: number) => LogisticFit,
  k: number,
  seeds: readonly (readonly number[])[],
): { support: number[]; objective: number; fitted: number; screened: number; stoppedEarly: number } {
  const p = oracle.p;
  let best = { support: [] as number[], objective: Infinity };
  for (const seed of seeds) {
    if (seed.length > k) continue;
    const v = oracle.evaluate(seed).value;
    if (v < best.objective) best = { support: [...seed].sort((a, b) => a - b), objective: v };
  }
  // Cuts as (constant, gradient): bound(S) = constant + sum_{j in S} gradient_j.
  const constants: number[] = [];
  const gradients: Float64Array[] = [];
  const addCut = (support: readonly number[], value: number, gradient: Float64Array): void => {
    let c = value;
    for (const j of support) c -= gradient[j];
    constants.unshift(c);
    gradients.unshift(gradient);
  };
  for (const e of pool.values()) addCut(e.support, e.evaluation.value, e.evaluation.gradient);
  // The incumbent's cut first: it screens most supports near the optimum.
  const first = pool.get(best.support.join(','));
  if (first) addCut(first.support, first.evaluation.value, first.evaluation.gradient);
  let fitted = 0;
  let screened = 0;
  let stoppedEarly = 0;
  let prefixFits = 0;
  let prefix: { key: string; fit: LogisticFit | undefined; cut: SupportEvaluation | undefined } = { key: '', fit: undefined, cut: undefined };
  const support = Array.from({ length: k }, (_, r) => r);
  for (;;) {
    // A safety margin keeps rounding in the cuts from screening out a support that is better by less.
    const threshold = best.objective + 1e-9 * Math.abs(best.objective);
    // The prefix's own cut, bound(S) = f(prefix) + g_c for S = prefix + {c}: the tightest near it, O(1).
    const prefixKey = support.slice(0, k - 1).join(',');
    if (k > 1 && prefixKey !== prefix.key) {
      const fit = fitSupport(support.slice(0, k - 1));
      prefix = { key: prefixKey, fit, cut: oracle.cutAt(fit) };
      prefixFits++;
    }
    let pruned = prefix.cut !== undefined && prefix.cut.value + prefix.cut.gradient[support[k - 1]] >= threshold;
    for (let t = 0; !pruned && t < constants.length; t++) {
      let bound = constants[t];
      const g = gradients[t];
      for (let r = 0; r < k; r++) bound += g[support[r]];
      if (bound >= threshold) {
        pruned = true;
        if (t > 0) {
          // Move the cut that screened to the front: the next supports share most columns.
          constants.unshift(constants.splice(t, 1)[0]);
          gradients.unshift(gradients.splice(t, 1)[0]);
        }
        break;
      }
    }
    if (pruned) screened++;
    else {
      fitted++;
      // Newton starts from the optimum of the support's first k - 1 columns (the supports sharing them are
      // consecutive in lexicographic order, so each prefix is fitted once) and stops as soon as its dual
      // bound shows the support cannot beat the incumbent.
      const fit = fitSupport(support, prefix.fit, threshold);
      if (fit.stoppedEarly) stoppedEarly++;
      const f = fit.stoppedEarly ? Infinity : fit.objective;
      if (f < best.objective) {
        best = { support: [...support], objective: f };
        const ev = oracle.evaluate(support);
        addCut(support, ev.value, ev.gradient);
      }
    }
    let r = k - 1;
    while (r >= 0 && support[r] === p - k + r) r--;
    if (r < 0) break;
    support[r]++;
    for (let q = r + 1; q < k; q++) support[q] = support[q - 1] + 1;
  }
  return { ...best, fitted: fitted + prefixFits, screened, stoppedEarly };
}

export async function optimalSparseClassifier(
  x: DesignMatrix,
  labels: ArrayLike<number | boolean>,
  options: SparseClassifierOptions,
): Promise<SparseClassifierResult> {
  const start = performance.now();
  const { k } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`optimalSparseClassifier: k must be an integer >= 1, got ${k}`);
  if (k > x.cols) throw new Error(`optimalSparseClassifier: k = ${k} exceeds the ${x.cols} candidate columns; lower k or add candidates`);
  const C = options.C ?? 1;
  const base = logisticSupportOracle(x, labels, { C, weights: options.weights });
  const pool: CutPool = options.cutPool ?? new Map();
  let fits = 0;
  const oracle: LogisticSupportOracle = {
    p: base.p,
    fit: base.fit,
    cutAt: base.cutAt,
    problem: base.problem,
    evaluate(support) {
      const sorted = [...support].sort((a, b) => a - b);
      const key = sorted.join(',');
      const hit = pool.get(key);
      if (hit) return hit.evaluation;
      const evaluation = base.evaluate(sorted);
      fits++;
      pool.set(key, { support: sorted, evaluation });
      return evaluation;
    },
  };
  const maxIterations = options.maxIterations ?? DEFAULT_OSP_MAX_ITERATIONS;
  const masterNodeLimit = options.masterNodeLimit ?? DEFAULT_OSP_MASTER_NODE_LIMIT;
  const reproducible = options.timeLimitMs === undefined;
  const count = binomial(x.cols, k);
  // Seeds for the incumbent (and their cuts): the given supports, the greedy path, every single column.
  const seeds: (readonly number[])[] = [...(options.initialSupports ?? [])];
  if (options.greedyWarmStart ?? true) seeds.push(...greedyForwardSupports(oracle, k));
  if (options.singletonCuts ?? true) for (let j = 0; j < x.cols; j++) seeds.push([j]);
  // Enumeration while it fits the work budget (counted in work, not time: the same choice on every
  // machine), with the Newton iterations measured on one support of size k (the first seed of that size).
  let enumerate: boolean;
  if (options.enumerationLimit !== undefined) enumerate = count <= options.enumerationLimit;
  else {
    const probe = seeds.find((s) => s.length === k) ?? Array.from({ length: k }, (_, r) => r);
    const iterations = Math.max(1, base.problem.fit({ support: probe }).iterations);
    enumerate = count * fitWork(x.rows, k, iterations) <= ENUMERATION_WORK_BUDGET;
  }
  const exact = enumerate
    ? screenedEnumeration(
        oracle,
        pool,
        (s, start, stopAbove) => base.problem.fit({ support: s, start, stopAbove }),
        k,
        seeds,
      )
    : null;
  if (exact) {
    const fit = base.fit(exact.support);
    return {
      support: exact.support,
      objective: exact.objective,
      lowerBound: exact.objective,
      gap: 0,
      optimal: true,
      status: 'optimal',
      iterations: 0,
      cuts: 0,
      timeMs: performance.now() - start,
      coefficients: fit.coefficients,
      intercept: fit.intercept,
      method: 'enumeration',
      supportsEvaluated: exact.fitted + fits,
      supportsScreened: exact.screened,
      supportsStoppedEarly: exact.stoppedEarly,
      reproducible: true,
    };
  }
  const initial: (readonly number[])[] = [...[...pool.values()].map((e) => e.support), ...seeds];
  const result = await outerApproximation(oracle, {
    k,
    solver: options.solver ?? highsSolver(),
    timeLimitMs: options.timeLimitMs,
    maxIterations,
    masterNodeLimit,
    stallIterations: options.stallIterations || undefined,
    relativeGapTolerance: options.relativeGapTolerance,
    initialSupports: initial,
  });
  const fit = base.fit(result.support);
  return {
    ...result,
    timeMs: performance.now() - start,
    coefficients: fit.coefficients,
    intercept: fit.intercept,
    method: 'outer-approximation',
    supportsEvaluated: fits,
    supportsScreened: 0,
    supportsStoppedEarly: 0,
    reproducible,
  };
}
