/**
 * Weighted, L2-regularised binary logistic regression on a support of columns, solved by Newton's
 * method with a backtracking line search:
 *
 *   min over (beta_S, b)  sum_i w_i log(1 + exp(-y_i (x_iS . beta_S + b)))  +  ||beta_S||^2 / (2 C),
 *
 * with y_i in {-1, +1} and the intercept b unpenalised. C plays the role of scikit-learn's C
 * (C * loss + ||beta||^2 / 2 has the same minimiser); C = Infinity is plain maximum likelihood.
 *
 * Hand-written rather than taken from a library because there is no maintained JavaScript logistic
 * regression with sample weights, an unpenalised intercept and the dual variables we need (the outer
 * approximation uses a_i = w_i sigma(-m_i) as its gradient certificate), and the supports are tiny
 * (k <= a few dozen), where a dense Newton step is both the fastest and the most accurate method.
 */
import { backSubstitute, choleskyFactor, forwardSubstitute } from '../linalg/cholesky.js';
import type { DesignMatrix } from '../problem/design-matrix.js';
import { exampleWeights, signedLabels } from './binary-labels.js';

export interface LogisticOptions {
  /** Inverse L2 strength (default 1); Infinity for no penalty. */
  C?: number;
  /** Per-example weights (default 1 each), e.g. balancedClassWeights(labels). */
  weights?: ArrayLike<number>;
  /** Columns to use (default all). */
  support?: readonly number[];
  /** Stop when the gradient's largest entry is below tolerance * (1 + total weight) (default 1e-10). */
  tolerance?: number;
  maxIterations?: number;
}

export interface LogisticFit {
  /** Full-length coefficients (zeros off the support). */
  coefficients: Float64Array;
  intercept: number;
  /** The penalised objective at the solution. */
  objective: number;
  /** Dual variables a_i = w_i sigma(-m_i) (the weighted residuals); sum_i a_i y_i = 0 at the optimum. */
  dual: Float64Array;
  iterations: number;
  converged: boolean;
}

export function softplus(z: number): number {
  // log(1 + e^z) without overflow.
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Binary logistic regression on 0/1 labels; see the module comment for the objective. */
export function fitLogisticRegression(x: DesignMatrix, labels: ArrayLike<number | boolean>, options: LogisticOptions = {}): LogisticFit {
  const { rows: n, cols: p, data } = x;
  if (labels.length !== n) throw new Error(`fitLogisticRegression: ${labels.length} labels for ${n} rows; give one label per row`);
  const y = signedLabels(labels, 'fitLogisticRegression');
  const w = exampleWeights(n, options.weights, 'fitLogisticRegression');
  const C = options.C ?? 1;
  if (!(C > 0)) throw new Error(`fitLogisticRegression: C must be > 0 (or Infinity), got ${C}`);
  const support = options.support ? [...options.support] : Array.from({ length: p }, (_, j) => j);
  for (const j of support) {
    if (!Number.isInteger(j) || j < 0 || j >= p) throw new Error(`fitLogisticRegression: support column ${j} is outside 0..${p - 1}`);
  }
  const k = support.length;
  const d = k + 1; // coefficients then intercept
  const tol = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 100;
  const invC = Number.isFinite(C) ? 1 / C : 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += w[i];

  // Dense copy of the support columns (row-major n x k) so the inner loops are contiguous.
  const xs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) xs[i * k + r] = data[i * p + support[r]];

  const theta = new Float64Array(d);
  const margins = new Float64Array(n);
  const computeMargins = (t: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = t[k];
      for (let r = 0; r < k; r++) s += xs[i * k + r] * t[r];
      out[i] = y[i] * s;
    }
  };
  const objectiveAt = (t: Float64Array, m: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) if (w[i] !== 0) f += w[i] * softplus(-m[i]);
    let pen = 0;
    for (let r = 0; r < k; r++) pen += t[r] * t[r];
    return f + 0.5 * invC * pen;
  };
  computeMargins(theta, margins);
  let objective = objectiveAt(theta, margins);
  let iterations = 0;
  let converged = false;
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);
  const trial = new Float64Array(d);
  const trialMargins = new Float64Array(n);
  for (; iterations < maxIterations; iterations++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      if (w[i] === 0) continue;
      const q = sigmoid(-margins[i]); // sigma(-m)
      const gi = -w[i] * y[i] * q;
      const hi = w[i] * q * (1 - q);
      const off = i * k;
      for (let r = 0; r < k; r++) {
        const xr = xs[off + r];
        grad[r] += gi * xr;
        const hx = hi * xr;
        for (let c = 0; c <= r; c++) hess[r * d + c] += hx * xs[off + c];
        hess[k * d + r] += hx;
      }
      grad[k] += gi;
      hess[k * d + k] += hi;
    }
    for (let r = 0; r < k; r++) {
      grad[r] += invC * theta[r];
      hess[r * d + r] += invC;
    }
    for (let r = 0; r < d; r++) for (let c = r + 1; c < d; c++) hess[r * d + c] = hess[c * d + r];
    let gmax = 0;
    for (let r = 0; r < d; r++) gmax = Math.max(gmax, Math.abs(grad[r]));
    if (gmax <= tol * (1 + totalWeight)) {
      converged = true;
      break;
    }
    // A tiny ridge keeps the step defined when the data are separable and C is infinite.
    let l = choleskyFactor(hess, d);
    if (!l) {
      for (let r = 0; r < d; r++) hess[r * d + r] += 1e-10 * (1 + totalWeight);
      l = choleskyFactor(hess, d);
    }
    if (!l) {
      throw new Error(
        `fitLogisticRegression: the Hessian on support [${support.join(', ')}] is singular (duplicate or constant columns?); use a finite C or drop those columns`,
      );
    }
    const step = backSubstitute(l, d, forwardSubstitute(l, d, grad));
    let slope = 0;
    for (let r = 0; r < d; r++) slope -= grad[r] * step[r];
    // Newton decrement: the predicted decrease -slope / 2 is below what float64 can resolve in the
    // objective, so no line search could verify progress. We are inside Newton's region of quadratic
    // convergence: take the full step (which polishes the coefficients) and stop.
    if (-slope / 2 <= 1e-15 * Math.max(1, Math.abs(objective))) {
      for (let r = 0; r < d; r++) theta[r] -= step[r];
      computeMargins(theta, margins);
      objective = objectiveAt(theta, margins);
      converged = true;
      iterations++;
      break;
    }
    let t = 1;
    let accepted = false;
    for (let ls = 0; ls < 60; ls++) {
      for (let r = 0; r < d; r++) trial[r] = theta[r] - t * step[r];
      computeMargins(trial, trialMargins);
      const f = objectiveAt(trial, trialMargins);
      // Armijo, with slack for rounding in the objective's sum.
      if (f <= objective + 1e-4 * t * slope + 1e-15 * Math.abs(objective) || (ls > 0 && f <= objective && t < 1e-6)) {
        theta.set(trial);
        margins.set(trialMargins);
        const decrease = objective - f;
        objective = f;
        accepted = true;
        if (decrease <= 1e-15 * Math.max(1, Math.abs(f)) && t === 1) converged = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted || converged) {
      // No further decrease is possible in floating point: we are at the optimum to machine precision.
      converged = true;
      iterations++;
      break;
    }
  }
  const coefficients = new Float64Array(p);
  for (let r = 0; r < k; r++) coefficients[support[r]] = theta[r];
  const dual = new Float64Array(n);
  for (let i = 0; i < n; i++) dual[i] = w[i] * sigmoid(-margins[i]);
  return { coefficients, intercept: theta[k], objective, dual, iterations, converged };
}

/** P(y = 1 | x) for each row under a fitted model. */
export function logisticProbabilities(x: DesignMatrix, fit: Pick<LogisticFit, 'coefficients' | 'intercept'>): Float64Array {
  const { rows: n, cols: p, data } = x;
  if (fit.coefficients.length !== p) throw new Error(`logisticProbabilities: the model has ${fit.coefficients.length} coefficients for ${p} columns`);
  const nz: number[] = [];
  for (let j = 0; j < p; j++) if (fit.coefficients[j] !== 0) nz.push(j);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = fit.intercept;
    for (const j of nz) s += data[i * p + j] * fit.coefficients[j];
    out[i] = sigmoid(s);
  }
  return out;
}
