/**
 * The sparse-probing k sweep (Gurnee et al. 2023): for each ranker and each k, choose the top-k
 * features on the training split, refit a class-balanced L2 logistic regression on them and score it on
 * the test split. The optimal sparse probe (OSP) instead chooses the support exactly, by outer
 * approximation over the top `candidates` features by mean difference, for k <= ospMaxK, and reports
 * its proven bound and gap.
 */
import {
  balancedClassWeights,
  fitLogisticRegression,
  highsSolver,
  logisticProbabilities,
  optimalSparseClassifier,
  type MilpSolver,
} from '@marr/sparse-regression';
import { selectColumns, type LabelledFeatures } from '../data/feature-matrix.js';
import { binaryMetrics } from '../metrics/binary-metrics.js';
import { rankFeatures, RANKERS, type RankerName } from '../rankers/rank-features.js';

export const DEFAULT_OSP_GAMMA = 50;

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
   * Inverse L2 strength of the OSP selection objective per training example: C_osp = ospGamma / n_train
   * (default 50). Stronger than the refit's C for large n on purpose: with a weak ridge the
   * outer-approximation cuts are loose and proofs take many master solves (measured in bench/); the
   * chosen support is then refit with C, as the paper does.
   */
  ospGamma?: number;
  /** OSP candidate pool: top features by mean difference (default 50). */
  candidates?: number;
  /** Largest k for OSP (default 8). */
  ospMaxK?: number;
  /** OSP time limit per k in ms (default 60 000). */
  ospTimeLimitMs?: number;
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

export interface OptimalityResult {
  k: number;
  objective: number;
  /** Proven lower bound on the objective (null when none was proven). */
  bound: number | null;
  /** (objective - bound) / objective (null when no bound). */
  gap: number | null;
  optimal: boolean;
  status: string;
  /** 'enumeration' (proof by exhaustion, small k) or 'outer-approximation' (MILP master and cuts). */
  solvedBy: 'enumeration' | 'outer-approximation';
  seconds: number;
  iterations: number;
}

export interface KSweepResult {
  byK: ByKResult[];
  optimality: OptimalityResult[];
}

function evaluateSupport(
  method: ProbeMethod,
  support: number[],
  train: LabelledFeatures,
  test: LabelledFeatures,
  C: number,
  weights: Float64Array,
): ByKResult {
  const fit = fitLogisticRegression(train.x, train.labels, { C, weights, support });
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
  const byK: ByKResult[] = [];
  const optimality: OptimalityResult[] = [];
  for (const method of methods) {
    if (method === 'osp') {
      const pool = rankFeatures('mean-diff', train.x, train.labels).slice(0, Math.min(options.candidates ?? 50, p));
      const candidates = selectColumns(train.x, pool);
      const ospMaxK = Math.min(options.ospMaxK ?? 8, pool.length);
      const solver = options.ospSolver ?? highsSolver();
      let previous: number[] = [];
      for (const k of kValues.filter((k) => k <= ospMaxK)) {
        // Warm starts: the mean-difference top-k, and the previous k's optimum extended by each candidate.
        const extended: number[][] = [];
        if (previous.length === k - 1) for (let j = 0; j < pool.length; j++) if (!previous.includes(j)) extended.push([...previous, j]);
        const result = await optimalSparseClassifier(candidates, train.labels, {
          k,
          C: (options.ospGamma ?? DEFAULT_OSP_GAMMA) / train.x.rows,
          weights,
          solver,
          timeLimitMs: options.ospTimeLimitMs ?? 60_000,
          // The mean-difference top-k is a natural incumbent.
          initialSupports: [Array.from({ length: k }, (_, r) => r), ...extended],
        });
        previous = result.support;
        const support = result.support.map((r) => pool[r]).sort((a, b) => a - b);
        byK.push(evaluateSupport('osp', support, train, test, C, weights));
        const finiteBound = Number.isFinite(result.lowerBound);
        optimality.push({
          k,
          objective: result.objective,
          bound: finiteBound ? result.lowerBound : null,
          gap: finiteBound ? result.gap : null,
          optimal: result.optimal,
          status: result.status,
          solvedBy: result.method,
          seconds: result.timeMs / 1000,
          iterations: result.iterations,
        });
        options.onStep?.('osp', k);
      }
      continue;
    }
    const order = rankFeatures(method as RankerName, train.x, train.labels, { seed: options.seed });
    for (const k of kValues) {
      byK.push(evaluateSupport(method, order.slice(0, k), train, test, C, weights));
      options.onStep?.(method, k);
    }
  }
  return { byK, optimality };
}
