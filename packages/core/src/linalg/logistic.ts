/**
 * L2-regularised logistic regression by Newton's method (the Hessian X^T W X + l I factored by
 * Cholesky each step), with optional per-row weights (e.g. balanced classes) and an unpenalised
 * intercept. Minimises sum_i w_i log(1 + exp(-s_i z_i)) + (l / 2) ||b||^2, s_i = +-1, z_i = b0 + x_i b.
 */
import { cholesky, choleskySolve } from './decompositions.js';
import type { DenseMatrix } from './dense.js';

export interface LogisticFit {
  coefficients: Float64Array;
  intercept: number;
  iterations: number;
  /** The objective at the solution. */
  loss: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** L2 penalty on the coefficients (default 1). */
  l2?: number;
  weights?: ArrayLike<number>;
  maxIterations?: number;
  /** Stop when the Newton decrement falls below this (default 1e-10). */
  tolerance?: number;
}

const log1pExp = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function logisticRegression(x: DenseMatrix, labels: ArrayLike<number>, options: LogisticOptions = {}): LogisticFit {
  const n = x.rows, p = x.cols, q = p + 1;
  if (labels.length !== n) throw new RangeError(`logisticRegression: ${n} rows but ${labels.length} labels`);
  const l2 = options.l2 ?? 1;
  if (!(l2 > 0)) throw new RangeError('logisticRegression: l2 must be > 0 (it keeps separable data finite)');
  const w = options.weights ?? new Float64Array(n).fill(1);
  const beta = new Float64Array(q); // [coefficients..., intercept]
  const z = new Float64Array(n);
  const objective = (b: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let t = b[p];
      for (let j = 0; j < p; j++) t += x.data[i * p + j] * b[j];
      z[i] = t;
      f += w[i] * log1pExp(labels[i] ? -t : t);
    }
    for (let j = 0; j < p; j++) f += 0.5 * l2 * b[j] * b[j];
    return f;
  };
  let loss = objective(beta);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  for (let iter = 1; iter <= maxIterations; iter++) {
    const grad = new Float64Array(q);
    const hess = new Float64Array(q * q);
    for (let i = 0; i < n; i++) {
      const pr = sigmoid(z[i]);
      const r = w[i] * (pr - (labels[i] ? 1 : 0));
      const h = w[i] * pr * (1 - pr);
      const row = (j: number) => (j === p ? 1 : x.data[i * p + j]);
      for (let a = 0; a < q; a++) {
        const xa = row(a);
        grad[a] += r * xa;
        for (let b = a; b < q; b++) hess[a * q + b] += h * xa * row(b);
      }
    }
    for (let j = 0; j < p; j++) {
      grad[j] += l2 * beta[j];
      hess[j * q + j] += l2;
    }
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) hess[a * q + b] = hess[b * q + a];
    hess[p * q + p] += 1e-12; // the intercept's curvature can vanish on perfectly separated weights
    const step = choleskySolve(cholesky({ rows: q, cols: q, data: hess }), grad);
    const decrement = step.reduce((a, s, i) => a + s * grad[i], 0);
    // Backtracking line search on the objective.
    let t = 1;
    let next = loss;
    const trial = new Float64Array(q);
    for (;;) {
      for (let a = 0; a < q; a++) trial[a] = beta[a] - t * step[a];
      next = objective(trial);
      if (next <= loss - 0.25 * t * decrement || t < 1e-10) break;
      t /= 2;
    }
    beta.set(trial);
    loss = next;
    if (decrement / 2 < tolerance) {
      return { coefficients: beta.slice(0, p), intercept: beta[p], iterations: iter, loss, converged: true };
    }
  }
  objective(beta);
  return { coefficients: beta.slice(0, p), intercept: beta[p], iterations: maxIterations, loss, converged: false };
}
