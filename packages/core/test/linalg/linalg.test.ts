import { describe, expect, it } from 'vitest';
import {
  cholesky,
  choleskySolve,
  createRng,
  denseMatrix,
  fromRows,
  gram,
  logisticRegression,
  matVec,
  pca,
  ridgeRegression,
  svd,
  symmetricEig,
  type DenseMatrix,
} from '../../src/index.js';

const rng = createRng(17);
const randomMatrix = (rows: number, cols: number): DenseMatrix => denseMatrix(rows, cols, Array.from({ length: rows * cols }, () => rng.normal()));
const at = (m: DenseMatrix, i: number, j: number) => m.data[i * m.cols + j];

describe('decompositions', () => {
  it('svd reconstructs A with orthonormal factors and descending singular values', () => {
    for (const [r, c] of [[7, 4], [4, 7]]) {
      const a = randomMatrix(r, c);
      const { u, s, v } = svd(a);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) {
        let t = 0;
        for (let k = 0; k < s.length; k++) t += at(u, i, k) * s[k] * at(v, j, k);
        expect(t).toBeCloseTo(at(a, i, j), 10);
      }
      for (let k = 1; k < s.length; k++) expect(s[k]).toBeLessThanOrEqual(s[k - 1]);
      const vtv = gram(v);
      for (let i = 0; i < s.length; i++) for (let j = 0; j < s.length; j++) expect(at(vtv, i, j)).toBeCloseTo(i === j ? 1 : 0, 10);
    }
  });

  it('symmetricEig matches the closed form of the [-1, 2, -1] tridiagonal matrix', () => {
    const n = 6;
    const a = denseMatrix(n, n);
    for (let i = 0; i < n; i++) {
      a.data[i * n + i] = 2;
      if (i > 0) a.data[i * n + i - 1] = a.data[(i - 1) * n + i] = -1;
    }
    const { values, vectors } = symmetricEig(a);
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1))).sort((x, y) => y - x);
    values.forEach((v, k) => expect(v).toBeCloseTo(expected[k], 12));
    for (let k = 0; k < n; k++) {
      const vec = Array.from({ length: n }, (_, i) => at(vectors, i, k));
      matVec(a, vec).forEach((x, i) => expect(x).toBeCloseTo(values[k] * vec[i], 10));
    }
    expect(() => symmetricEig(fromRows([[1, 2], [0, 1]]))).toThrow('not symmetric at (1, 0)');
  });

  it('cholesky gives L L^T = A and solves A x = b; refuses an indefinite matrix', () => {
    const x = randomMatrix(20, 5);
    const a = gram(x);
    const l = cholesky(a);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
      let t = 0;
      for (let k = 0; k < 5; k++) t += at(l, i, k) * at(l, j, k);
      expect(t).toBeCloseTo(at(a, i, j), 10);
      if (j > i) expect(at(l, i, j)).toBe(0);
    }
    const truth = [1, -2, 0.5, 3, 0];
    const sol = choleskySolve(l, matVec(a, truth));
    truth.forEach((t, i) => expect(sol[i]).toBeCloseTo(t, 9));
    expect(() => cholesky(fromRows([[1, 2], [2, 1]]))).toThrow('not positive definite (pivot 1');
  });
});

describe('pca', () => {
  it('finds a planted direction and its variance', () => {
    const dir = [3, 4, 0].map((v) => v / 5);
    const n = 4000;
    const rows = Array.from({ length: n }, () => {
      const t = 2 * rng.normal(); // variance 4 along dir
      return dir.map((d, j) => 10 * j + t * d + 0.1 * rng.normal());
    });
    const result = pca(fromRows(rows), { components: 2 });
    const c0 = Array.from(result.components.data.subarray(0, 3));
    expect(Math.abs(c0.reduce((a, v, j) => a + v * dir[j], 0))).toBeCloseTo(1, 3);
    expect(result.explainedVariance[0]).toBeGreaterThan(3.7);
    expect(result.explainedVariance[0]).toBeLessThan(4.3);
    expect(result.explainedVarianceRatio[0]).toBeGreaterThan(0.99);
    expect(Array.from(result.mean).map((m) => Math.round(m) + 0)).toEqual([0, 10, 20]);
    expect(result.scores.cols).toBe(2);
  });
});

describe('ridgeRegression', () => {
  it('leave-one-out errors equal refitting without each row, and lambda = 0 is least squares', () => {
    const n = 30, p = 4;
    const x = randomMatrix(n, p);
    const y = Array.from({ length: n }, (_, i) => 1.5 + [2, -1, 0, 0.5].reduce((a, b, j) => a + b * at(x, i, j), 0) + 0.3 * rng.normal());
    const lambdas = [0, 0.5, 5, 50];
    const { fits, best } = ridgeRegression(x, y, lambdas);
    for (const fit of fits) {
      let sse = 0;
      for (let out = 0; out < n; out++) {
        const keep = Array.from({ length: n }, (_, i) => i).filter((i) => i !== out);
        const xs = denseMatrix(n - 1, p, keep.flatMap((i) => Array.from(x.data.subarray(i * p, (i + 1) * p))));
        const refit = ridgeRegression(xs, keep.map((i) => y[i]), [fit.lambda]).best;
        const pred = refit.intercept + refit.coefficients.reduce((a, b, j) => a + b * at(x, out, j), 0);
        sse += (y[out] - pred) ** 2;
      }
      expect(fit.looMse).toBeCloseTo(sse / n, 10);
    }
    expect(best.looMse).toBe(Math.min(...fits.map((f) => f.looMse)));
    // lambda = 0: the normal equations hold for the centred problem.
    const ols = fits[0];
    const resid = y.map((t, i) => t - ols.intercept - ols.coefficients.reduce((a, b, j) => a + b * at(x, i, j), 0));
    expect(resid.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    for (let j = 0; j < p; j++) expect(resid.reduce((a, r, i) => a + r * at(x, i, j), 0)).toBeCloseTo(0, 9);
  });
});

describe('logisticRegression', () => {
  it('reaches the optimum: the weighted, penalised gradient vanishes', () => {
    const n = 300, p = 3;
    const x = randomMatrix(n, p);
    const labels = Array.from({ length: n }, (_, i) => (rng.next() < 1 / (1 + Math.exp(-(0.5 + 2 * at(x, i, 0) - at(x, i, 1)))) ? 1 : 0));
    const weights = labels.map((l) => (l ? 2 : 1));
    const l2 = 0.7;
    const fit = logisticRegression(x, labels, { l2, weights });
    expect(fit.converged).toBe(true);
    const grad = new Array(p + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const z = fit.intercept + fit.coefficients.reduce((a, b, j) => a + b * at(x, i, j), 0);
      const r = weights[i] * (1 / (1 + Math.exp(-z)) - labels[i]);
      for (let j = 0; j < p; j++) grad[j] += r * at(x, i, j);
      grad[p] += r;
    }
    for (let j = 0; j < p; j++) expect(grad[j] + l2 * fit.coefficients[j]).toBeCloseTo(0, 7);
    expect(grad[p]).toBeCloseTo(0, 7);
    expect(fit.coefficients[0]).toBeGreaterThan(1);
    expect(fit.coefficients[1]).toBeLessThan(-0.4);
  });
});
