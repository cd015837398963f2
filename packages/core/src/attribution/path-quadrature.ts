/**
 * The quadrature of the integrated-gradients path integral ∫₀¹ f(α) dα: where on the straight path from
 * the baseline (α = 0) to the input (α = 1) the gradient is taken, and with what weight.
 */
import { MarrUsageError } from '../analysis/errors.js';

/**
 * `midpoint` (the default): the Riemann midpoint sum, α_k = (k + ½)/n with weight 1/n, n gradient points;
 * its error falls as 1/n² for a smooth integrand. `trapezoid`: α_k = k/n, k = 0..n, weights 1/(2n) at the
 * ends and 1/n inside, n + 1 points, also 1/n². `right`: the right Riemann sum α_k = k/n, k = 1..n (error
 * 1/n); with n = 1 it is gradient × input.
 */
export type PathRule = 'midpoint' | 'trapezoid' | 'right';
export const PATH_RULES: readonly PathRule[] = ['midpoint', 'trapezoid', 'right'];

export interface PathQuadrature {
  rule: PathRule;
  steps: number;
  /** Points on the path, increasing, in [0, 1]. */
  alphas: number[];
  /** Their weights (sum 1). */
  weights: number[];
}

export function pathQuadrature(steps: number, rule: PathRule = 'midpoint'): PathQuadrature {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new MarrUsageError(`integrated gradients: steps must be a whole number of at least 1 (got ${steps}); use e.g. steps=32`);
  }
  const n = steps;
  switch (rule) {
    case 'midpoint':
      return { rule, steps, alphas: Array.from({ length: n }, (_, k) => (k + 0.5) / n), weights: new Array<number>(n).fill(1 / n) };
    case 'trapezoid':
      return {
        rule, steps,
        alphas: Array.from({ length: n + 1 }, (_, k) => k / n),
        weights: Array.from({ length: n + 1 }, (_, k) => (k === 0 || k === n ? 0.5 / n : 1 / n)),
      };
    case 'right':
      return { rule, steps, alphas: Array.from({ length: n }, (_, k) => (k + 1) / n), weights: new Array<number>(n).fill(1 / n) };
    default:
      throw new MarrUsageError(`integrated gradients: unknown rule "${String(rule)}"; use one of ${PATH_RULES.join(', ')}`);
  }
}
