/**
 * The sparse-probing k sweep (Gurnee et al. 2023): for each ranker and each k, choose the top-k
 * features on the training split, refit a class-balanced L2 logistic regression on them and score it on
 * the test split. The optimal sparse probe (OSP) instead chooses the support exactly, by enumeration
 * or outer approximation over the top `candidates` features by mean difference, for k <= ospMaxK, and
 * reports its proven bound and gap. By default OSP minimises the probe's own objective (the
 * class-balanced L2-logistic loss with the refit's C), so the support proven optimal is the optimum of
 * the probe that is reported; `ospGamma` selects with a different ridge only when asked.
 */
import {
  DEFAULT_OSP_MASTER_NODE_LIMIT,
  DEFAULT_OSP_MAX_ITERATIONS,
  balancedClassWeights,
  highsSolver,
  logisticProbabilities,
  logisticProblem,
  optimalSparseClassifier,
  type CutPool,
  type LogisticFit,
  type MilpSolver,
} from '@marr/sparse-regression';
import { selectColumns, type LabelledFeatures } from '../data/feature-matrix.js';
import { binaryMetrics } from '../metrics/binary-metrics.js';
import { rankFeatures, RANKERS, type RankerName } from '../rankers/rank-features.js';

export const PROBE_METHODS = [...RANKERS, 'osp'] as const;
export type ProbeMethod = (typeof PROBE_METHODS)[number];

/** The paper's k values: 1..8, 10, 12, 16, then doubling. */
export function defaultKValues(maxFeatures: number): number[] {
  const ks = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16];
  for (let k = 32; k <= maxFeatures; k *= 2) ks.push(k);
  return ks.filter((k) => k <= maxFeatures);
}

export interface KSweepOptions {
  methods?: readonly ProbeMethod[];
  kValues?: readonly number[];
  /** Inverse L2 strength of the refit (default 1, sklearn's default). */
  C?: number;
  /**
   * Optional: select with a different ridge, C_osp = ospGamma / n_train, then refit with C. Default:
   * none, the selection objective is the probe's own (C). A stronger ridge gives tighter cuts and
   * faster proofs, but then the proof is about another problem than the probe reported.
   */
  ospGamma?: number;
  /** OSP candidate pool: top features by mean difference (default 50). */
  candidates?: number;
  /** Largest k for OSP (default 8). */
  ospMaxK?: number;
  /** OSP wall-clock limit per k in ms (default none; when given the result is marked not reproducible). */
  ospTimeLimitMs?: number;
  /** OSP master solves per k (default DEFAULT_OSP_MAX_ITERATIONS): the deterministic work limit. */
  ospMaxIterations?: number;
  /** OSP branch-and-bound nodes per master solve (default DEFAULT_OSP_MASTER_NODE_LIMIT). */
  ospMasterNodeLimit?: number;
  /** OSP stall rule (default 0 = never): see optimalSparseClassifier. */
  ospStallIterations?: number;
  ospSolver?: MilpSolver;
  seed?: number;
  /** Called after each (method, k) so callers can report progress or abort. */
  onStep?: (method: ProbeMethod, k: number) => void;
}

export interface ByKResult {
  method: ProbeMethod;
  k: number;
  selected: string[];
  f1: number;
  precision: number;
  recall: number;
  mcc: number;
  rocAuc: number;
  prAuc: number;
  balancedAccuracy: number;
  accuracy: number;
  /** Coefficients of the refit on `selected` (standardised units) and its intercept. */
  coefficients: number[];
  intercept: number;
}

/** Which objective OSP proved optimal. */
export interface SelectionObjective {
  /** 'probe': the refit's own objective (default); 'ospGamma': a different selection ridge, asked for. */
  kind: 'probe' | 'ospGamma';
  loss: 'class-balanced L2-logistic';
  /** Inverse L2 strength of the selection objective. */
  C: number;
  /** The refit's C (equal to C when kind is 'probe'). */
  refitC: number;
}

export interface OptimalityResult {
  k: number;
  /** The selection objective at the support found (see `selectionObjective`). */
  objective: number;
  /** Proven lower bound on the objective (null when none was proven). */
  bound: number | null;
  /** (objective - bound) / objective (null when no bound). */
  gap: number | null;
  optimal: boolean;
  status: string;
  /** 'enumeration' (proof by exhaustion, small k) or 'outer-approximation' (MILP master and cuts). */
  solvedBy: 'enumeration' | 'outer-approximation';
  /** Master solves (0 for enumeration). */
  iterations: number;
  /** Logistic fits done for this k. */
  supportsEvaluated: number;
  /** Enumeration: supports of size k ruled out by a cut without a fit (0 for outer approximation). */
  supportsScreened: number;
  /** False when a wall-clock limit was given: the result may then differ between runs. */
  reproducible: boolean;
}

export interface KSweepResult {
  byK: ByKResult[];
  optimality: OptimalityResult[];
  /** The objective OSP optimised (null when OSP did not run). */
  selectionObjective: SelectionObjective | null;
  /** Wall-clock seconds per OSP k: timings, kept out of the results so reports are reproducible. */
  ospSeconds: { k: number; seconds: number }[];
}

function evaluateSupport(method: ProbeMethod, support: number[], fit: LogisticFit, test: LabelledFeatures, train: LabelledFeatures): ByKResult {
  const metrics = binaryMetrics(test.labels, logisticProbabilities(test.x, fit));
  return {
    method,
    k: support.length,
    selected: support.map((j) => train.names[j]),
    ...metrics,
    coefficients: support.map((j) => fit.coefficients[j]),
    intercept: fit.intercept,
  };
}

export async function kSweep(train: LabelledFeatures, test: LabelledFeatures, options: KSweepOptions = {}): Promise<KSweepResult> {
  const p = train.x.cols;
  if (test.x.cols !== p) throw new Error(`kSweep: train has ${p} features but test has ${test.x.cols}`);
  const methods = options.methods ?? PROBE_METHODS;
  const kValues = [...new Set(options.kValues ?? defaultKValues(p))].filter((k) => k >= 1 && k <= p).sort((a, b) => a - b);
  if (kValues.length === 0) throw new Error(`kSweep: no k value in 1..${p} (the number of features)`);
  const C = options.C ?? 1;
  const weights = balancedClassWeights(train.labels);
  // Refits share one prepared problem and are memoised by support (at large k the rankers' supports
  // coincide: at k = p they are all the full layer); a ranker's top-k grows with k, so each refit starts
  // from the previous k's coefficients, where Newton needs far fewer steps. The optimum is the same.
  const problem = logisticProblem(train.x, train.labels, { C, weights });
  const refits = new Map<string, LogisticFit>();
  const refit = (support: readonly number[], start?: LogisticFit): LogisticFit => {
    const key = [...support].sort((a, b) => a - b).join(',');
    let fit = refits.get(key);
    if (!fit) {
      fit = problem.fit({ support, start });
      refits.set(key, fit);
    }
    return fit;
  };
  const byK: ByKResult[] = [];
  const optimality: OptimalityResult[] = [];
  const ospSeconds: { k: number; seconds: number }[] = [];
  let selectionObjective: SelectionObjective | null = null;
  for (const method of methods) {
    if (method === 'osp') {
      const pool = rankFeatures('mean-diff', train.x, train.labels).slice(0, Math.min(options.candidates ?? 50, p));
      const candidates = selectColumns(train.x, pool);
      const ospMaxK = Math.min(options.ospMaxK ?? 8, pool.length);
      const solver = options.ospSolver ?? highsSolver();
      const selectionC = options.ospGamma === undefined ? C : options.ospGamma / train.x.rows;
      selectionObjective = { kind: options.ospGamma === undefined ? 'probe' : 'ospGamma', loss: 'class-balanced L2-logistic', C: selectionC, refitC: C };
      // Cuts are valid for every k (they bound the same objective), so they carry over from k to k + 1.
      const cutPool: CutPool = new Map();
      let previous: number[] = [];
      for (const k of kValues.filter((k) => k <= ospMaxK)) {
        // Warm starts: the mean-difference top-k, and the previous k's optimum extended by each candidate.
        const extended: number[][] = [];
        if (previous.length === k - 1) for (let j = 0; j < pool.length; j++) if (!previous.includes(j)) extended.push([...previous, j]);
        const result = await optimalSparseClassifier(candidates, train.labels, {
          k,
          C: selectionC,
          weights,
          solver,
          timeLimitMs: options.ospTimeLimitMs,
          maxIterations: options.ospMaxIterations ?? DEFAULT_OSP_MAX_ITERATIONS,
          masterNodeLimit: options.ospMasterNodeLimit ?? DEFAULT_OSP_MASTER_NODE_LIMIT,
          stallIterations: options.ospStallIterations,
          cutPool,
          // The mean-difference top-k is a natural incumbent.
          initialSupports: [Array.from({ length: k }, (_, r) => r), ...extended],
        });
        previous = result.support;
        const support = result.support.map((r) => pool[r]).sort((a, b) => a - b);
        byK.push(evaluateSupport('osp', support, refit(support), test, train));
        const finiteBound = Number.isFinite(result.lowerBound);
        optimality.push({
          k,
          objective: result.objective,
          bound: finiteBound ? result.lowerBound : null,
          gap: finiteBound ? result.gap : null,
          optimal: result.optimal,
          status: result.status,
          solvedBy: result.method,
          iterations: result.iterations,
          supportsEvaluated: result.supportsEvaluated,
          supportsScreened: result.supportsScreened,
          reproducible: result.reproducible,
        });
        ospSeconds.push({ k, seconds: result.timeMs / 1000 });
        options.onStep?.('osp', k);
      }
      continue;
    }
    const order = rankFeatures(method as RankerName, train.x, train.labels, { seed: options.seed });
    let previous: LogisticFit | undefined;
    for (const k of kValues) {
      const support = order.slice(0, k);
      previous = refit(support, previous);
      byK.push(evaluateSupport(method, support, previous, test, train));
      options.onStep?.(method, k);
    }
  }
  return { byK, optimality, selectionObjective, ospSeconds };
}
