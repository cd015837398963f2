/**
 * The logistic-loss support oracle for outer approximation (Bertsimas, Pauphilet & Van Parys, "Sparse
 * classification", and Gurnee et al.'s optimal sparse probes). With the L2 penalty written as
 * sum_j beta_j^2 / (2 C s_j), the optimal value on a support,
 *
 *   f(s) = max over duals a (0 <= a_i <= w_i, sum a_i y_i = 0) of
 *          -sum_i w_i H(a_i / w_i) - (C / 2) sum_j s_j (x_j . (a o y))^2      (H: binary entropy term)
 *
 * is a maximum of functions affine in s, hence convex on [0,1]^p, and its gradient at the optimal dual
 * is df/ds_j = -(C / 2) (x_j . (a o y))^2, with a_i = w_i sigma(-m_i) read off the Newton solution.
 */
import type { SupportEvaluation, SupportOracle } from '../outer-approximation/support-oracle.js';
import type { DesignMatrix } from '../problem/design-matrix.js';
import { exampleWeights, signedLabels } from './binary-labels.js';
import { logisticProblem, type LogisticFit, type LogisticProblem } from './logistic-regression.js';

export interface LogisticOracleOptions {
  /** Inverse L2 strength (finite, > 0; default 1). */
  C?: number;
  weights?: ArrayLike<number>;
}

export interface LogisticSupportOracle extends SupportOracle {
  /** The full fit at a support (coefficients, intercept), e.g. for the final answer. */
  fit(support: readonly number[]): LogisticFit;
  /** The cut (value and gradient) at a fit already made on these data, e.g. a warm-start prefix. */
  cutAt(fit: LogisticFit): SupportEvaluation;
  /** The prepared data every fit of this oracle runs on (for warm-started or early-stopped fits). */
  problem: LogisticProblem;
}

export function logisticSupportOracle(x: DesignMatrix, labels: ArrayLike<number | boolean>, options: LogisticOracleOptions = {}): LogisticSupportOracle {
  const C = options.C ?? 1;
  if (!(C > 0) || !Number.isFinite(C)) {
    throw new Error(`logisticSupportOracle: C must be finite and > 0 (got ${C}); the outer approximation needs the L2 term`);
  }
  const { rows: n, cols: p, data } = x;
  const y = signedLabels(labels, 'logisticSupportOracle');
  const weights = exampleWeights(n, options.weights, 'logisticSupportOracle');
  const problem = logisticProblem(x, labels, { C, weights });
  const fit = (support: readonly number[]): LogisticFit => problem.fit({ support });
  const cutAt = (result: LogisticFit): SupportEvaluation => {
      const ay = new Float64Array(n);
      for (let i = 0; i < n; i++) ay[i] = result.dual[i] * y[i];
      const corr = new Float64Array(p);
      for (let i = 0; i < n; i++) {
        const v = ay[i];
        if (v === 0) continue;
        const off = i * p;
        for (let j = 0; j < p; j++) corr[j] += data[off + j] * v;
      }
      const gradient = new Float64Array(p);
      for (let j = 0; j < p; j++) gradient[j] = -0.5 * C * corr[j] * corr[j];
      return { value: result.objective, gradient };
  };
  return { p, fit, cutAt, problem, evaluate: (support) => cutAt(fit(support)) };
}
