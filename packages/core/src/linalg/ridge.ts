/**
 * Ridge regression with efficient leave-one-out: one SVD of the centred design X = U S V^T serves every
 * penalty. For penalty l the fit is b = V diag(s / (s^2 + l)) U^T y, the hat matrix of the centred
 * problem H = U diag(s^2 / (s^2 + l)) U^T, and the leave-one-out residual of row i is
 * e_i / (1 - H_ii - 1/n) (the intercept's 1/n included), so no refit is needed.
 */
import { centerColumns, columnMeans, type DenseMatrix } from './dense.js';
import { svd } from './decompositions.js';

export interface RidgeFit {
  lambda: number;
  coefficients: Float64Array;
  intercept: number;
  /** Mean squared leave-one-out error. */
  looMse: number;
}

export interface RidgeResult {
  fits: RidgeFit[];
  /** The fit with the smallest leave-one-out error. */
  best: RidgeFit;
}

/** Minimises ||y - b0 - X b||^2 + lambda ||b||^2 (intercept unpenalised) for each lambda. */
export function ridgeRegression(x: DenseMatrix, y: ArrayLike<number>, lambdas: readonly number[]): RidgeResult {
  const n = x.rows, p = x.cols;
  if (y.length !== n) throw new RangeError(`ridgeRegression: ${n} rows but ${y.length} targets`);
  if (lambdas.length === 0 || lambdas.some((l) => !(l >= 0))) throw new RangeError('ridgeRegression: give one or more penalties >= 0');
  if (n < 3) throw new RangeError(`ridgeRegression: needs at least 3 rows, got ${n}`);
  const xMean = columnMeans(x);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i] / n;
  const { u, s, v } = svd(centerColumns(x, xMean));
  const k = s.length;
  const yc = Float64Array.from(y, (t) => t - yMean);
  const uty = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let t = 0;
    for (let i = 0; i < n; i++) t += u.data[i * u.cols + c] * yc[i];
    uty[c] = t;
  }
  const fits = lambdas.map((lambda): RidgeFit => {
    const shrink = Float64Array.from(s, (sv) => (sv * sv + lambda > 0 ? sv / (sv * sv + lambda) : 0));
    const coefficients = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      let t = 0;
      for (let c = 0; c < k; c++) t += v.data[j * v.cols + c] * shrink[c] * uty[c];
      coefficients[j] = t;
    }
    const intercept = yMean - coefficients.reduce((a, b, j) => a + b * xMean[j], 0);
    let sse = 0;
    for (let i = 0; i < n; i++) {
      let fitted = 0, h = 1 / n;
      for (let c = 0; c < k; c++) {
        const uic = u.data[i * u.cols + c];
        const g = s[c] * s[c] + lambda > 0 ? (s[c] * s[c]) / (s[c] * s[c] + lambda) : 0;
        fitted += uic * g * uty[c];
        h += uic * uic * g;
      }
      const e = (yc[i] - fitted) / (1 - h);
      sse += e * e;
    }
    return { lambda, coefficients, intercept, looMse: sse / n };
  });
  const best = fits.reduce((a, b) => (b.looMse < a.looMse ? b : a));
  return { fits, best };
}
