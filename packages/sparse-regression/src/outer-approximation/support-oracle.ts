/**
 * What the outer-approximation solver needs from a loss: for a support S (a 0/1 vector s), the value
 * f(s) = min over coefficients on S of the regularised loss, and its gradient with respect to s. The
 * method is exact when f, extended to s in [0,1]^p, is convex (Bertsimas & Van Parys's boolean
 * relaxation: with an L2 penalty ||xi||^2 / (2 gamma), f(s) = max over dual variables of a function
 * affine in s, hence convex), because then every cut f(s) >= f(s_t) + g_t . (s - s_t) is valid on the
 * whole cube. A classification loss (hinge, logistic) plugs in the same way through its dual.
 */
import { fitSupport, type GramProblem } from '../problem/gram-problem.js';

export interface SupportEvaluation {
  /** f(s) at the support. */
  value: number;
  /** df/ds_j for every j (length p), at the support. */
  gradient: Float64Array;
}

/** f must be non-negative (every loss here is) and convex on [0,1]^p. */
export interface SupportOracle {
  /** Number of candidate features. */
  p: number;
  evaluate(support: readonly number[]): SupportEvaluation;
}

/**
 * Ridge regression: f(s) = min ||y - X xi||^2 + alpha ||xi||^2 over xi supported on s
 * = y^T (I + X diag(s) X^T / alpha)^-1 y, whose gradient is -(x_j^T r)^2 / alpha with r the residual.
 * Needs alpha > 0 (the relaxation is not defined without the ridge term).
 */
export function ridgeSupportOracle(problem: GramProblem): SupportOracle {
  const { p, gram, xty, alpha } = problem;
  if (!(alpha > 0)) throw new Error(`ridgeSupportOracle: outer approximation needs alpha > 0 (got ${alpha}); use bestSubset for alpha = 0`);
  return {
    p,
    evaluate(support) {
      const fit = fitSupport(problem, support);
      const xi = fit.coefficients;
      const gradient = new Float64Array(p);
      for (let j = 0; j < p; j++) {
        // x_j^T r = b_j - G_{j,S} xi_S
        let c = xty[j];
        for (const l of support) c -= gram[j * p + l] * xi[l];
        gradient[j] = -(c * c) / alpha;
      }
      return { value: fit.objective, gradient };
    },
  };
}
