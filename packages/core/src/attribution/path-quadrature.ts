/**
 * The quadrature of the integrated-gradients path integral ∫₀¹ f(α) dα: where on the straight path from
 * the baseline (α = 0) to the input (α = 1) the gradient is taken, and with what weight.
 */
import { MarrUsageError } from '../analysis/errors.js';

/**
 * `gauss-legendre` (the default, as in Captum): the n-point Gauss–Legendre rule on [0, 1], exact for
 * polynomials of degree 2n − 1 and with its points crowded towards both ends, where a norm's scale
 * invariance makes the metric jump on a path from the zero embedding. `midpoint`: the Riemann midpoint
 * sum, α_k = (k + ½)/n with weight 1/n (error ~ 1/n² for a smooth integrand). `trapezoid`: α_k = k/n,
 * k = 0..n, weights 1/(2n) at the ends and 1/n inside, n + 1 points (~ 1/n²). `right`: the right Riemann
 * sum α_k = k/n, k = 1..n (~ 1/n); with n = 1 it is gradient × input. `graded`: Gauss–Legendre on
 * geometrically shrinking panels [0.1, 1], [0.01, 0.1], ... [0, 10^-4] (the steps shared out evenly), for
 * paths from the zero embedding, where a norm's ε makes the metric jump at an α as small as √ε / |x|.
 */
export type PathRule = 'gauss-legendre' | 'graded' | 'midpoint' | 'trapezoid' | 'right';
export const PATH_RULES: readonly PathRule[] = ['gauss-legendre', 'graded', 'midpoint', 'trapezoid', 'right'];

/** Panels of the graded rule: [0, 10^-(P-1)], ..., [0.01, 0.1], [0.1, 1]. */
export const GRADED_PANELS = 5;

/** Nodes (increasing, in (0, 1)) and weights of the n-point Gauss–Legendre rule on [0, 1], by Newton's method on P_n. */
export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const nodes = new Array<number>(n), weights = new Array<number>(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      // P_n(z) by the three-term recurrence, and its derivative.
      let p0 = 1, p1 = z;
      for (let j = 2; j <= n; j++) [p0, p1] = [p1, ((2 * j - 1) * z * p1 - (j - 1) * p0) / j];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const step = p1 / dp;
      z -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    // z is the i-th largest root in (-1, 1); map x -> (1 - x) / 2 so the nodes increase, and mirror.
    const w = 1 / ((1 - z * z) * dp * dp);
    nodes[i] = (1 - z) / 2;
    weights[i] = w;
    nodes[n - 1 - i] = (1 + z) / 2;
    weights[n - 1 - i] = w;
  }
  return { nodes, weights };
}

/** The default number of gradient points (the analysis's default too). */
export const DEFAULT_IG_STEPS = 64;

export interface PathQuadrature {
  rule: PathRule;
  steps: number;
  /** Points on the path, increasing, in [0, 1]. */
  alphas: number[];
  /** Their weights (sum 1). */
  weights: number[];
}

export function pathQuadrature(steps: number, rule: PathRule = 'gauss-legendre'): PathQuadrature {
  if (!Number.isInteger(steps) || steps < 1) {
    throw new MarrUsageError(`integrated gradients: steps must be a whole number of at least 1 (got ${steps}); use e.g. steps=32`);
  }
  const n = steps;
  switch (rule) {
    case 'gauss-legendre': {
      const { nodes, weights } = gaussLegendre(n);
      return { rule, steps, alphas: nodes, weights };
    }
    case 'graded': {
      const P = Math.min(GRADED_PANELS, n);
      const edges = [0, ...Array.from({ length: P }, (_, i) => 10 ** -(P - 1 - i))];
      const alphas: number[] = [], weights: number[] = [];
      for (let j = 0; j < P; j++) {
        // The steps shared out evenly; the remainder goes to the widest panels.
        const m = Math.floor(n / P) + (j >= P - (n % P) ? 1 : 0);
        const { nodes, weights: w } = gaussLegendre(m);
        const [a, b] = [edges[j], edges[j + 1]];
        nodes.forEach((x, k) => {
          alphas.push(a + (b - a) * x);
          weights.push((b - a) * w[k]);
        });
      }
      return { rule, steps, alphas, weights };
    }
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
