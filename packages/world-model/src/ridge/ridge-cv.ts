/**
 * Ridge regression with an unpenalised intercept, one or more targets sharing one penalty, the penalty
 * chosen by efficient leave-one-out cross-validation (sklearn's RidgeCV with cv=None, the authors' probe).
 *
 * One eigendecomposition serves every penalty. With the centred design Xc:
 * - n >= p: Xc^T Xc = V diag(e) V^T and Z = Xc V; the hat matrix of the centred problem is
 *   Z diag(1 / (e + a)) Z^T and the coefficients V diag(1 / (e + a)) Z^T Yc;
 * - n < p: Xc Xc^T = U diag(e) U^T; the hat matrix is U diag(e / (e + a)) U^T and the coefficients
 *   Xc^T U diag(1 / (e + a)) U^T Yc.
 * The intercept adds 1/n to every hat diagonal, and the leave-one-out residual of row i is
 * r_i / (1 - H_ii): exactly what refitting without row i (intercept included) gives, with no refit.
 * The penalty chosen minimises the leave-one-out squared error averaged over rows and targets.
 */
import { centerColumns, columnMeans, gram, symmetricEig, type DenseMatrix } from '@marr/core';

export interface RidgeCvFit {
  /** The chosen penalty. */
  alpha: number;
  alphaIndex: number;
  /** Mean leave-one-out squared error (over rows and targets) of every penalty tried, in order. */
  looMse: number[];
  /** p x t row-major: column k is target k's weight vector. */
  coefficients: DenseMatrix;
  /** One intercept per target. */
  intercepts: Float64Array;
}

/** logspace(from, to, count): count values 10^from .. 10^to, evenly spaced in the exponent (numpy's). */
export function logspace(from: number, to: number, count: number): number[] {
  if (count === 1) return [10 ** from];
  return Array.from({ length: count }, (_, i) => 10 ** (from + ((to - from) * i) / (count - 1)));
}

/** The authors' grid for Llama-2-7b: logspace(0.8, 4.1, 12). */
export const PAPER_ALPHAS: readonly number[] = logspace(0.8, 4.1, 12);

function transposeTimes(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  // a^T b, a: n x k, b: n x t
  const out = new Float64Array(a.cols * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let c = 0; c < a.cols; c++) {
      const v = a.data[i * a.cols + c];
      if (v === 0) continue;
      for (let t = 0; t < b.cols; t++) out[c * b.cols + t] += v * b.data[i * b.cols + t];
    }
  }
  return { rows: a.cols, cols: b.cols, data: out };
}

function times(a: DenseMatrix, b: DenseMatrix): DenseMatrix {
  const out = new Float64Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const v = a.data[i * a.cols + k];
      if (v === 0) continue;
      for (let j = 0; j < b.cols; j++) out[i * b.cols + j] += v * b.data[k * b.cols + j];
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

function outerGram(a: DenseMatrix): DenseMatrix {
  // a a^T (n x n)
  const n = a.rows, p = a.cols;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += a.data[i * p + k] * a.data[j * p + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return { rows: n, cols: n, data: out };
}

/**
 * Fits ridge for every penalty in `alphas`, picks the one with the smallest leave-one-out error and
 * returns its coefficients. `y` is n x t (t targets fitted jointly with one penalty).
 */
export function ridgeCv(x: DenseMatrix, y: DenseMatrix, alphas: readonly number[]): RidgeCvFit {
  const n = x.rows, p = x.cols, t = y.cols;
  if (y.rows !== n) throw new RangeError(`ridgeCv: ${n} rows of features but ${y.rows} rows of targets`);
  if (alphas.length === 0 || alphas.some((a) => !(a > 0) || !Number.isFinite(a))) throw new RangeError('ridgeCv: give one or more finite penalties > 0');
  if (n < 3) throw new RangeError(`ridgeCv: needs at least 3 rows, got ${n}`);
  const xMean = columnMeans(x);
  const yMean = columnMeans(y);
  const xc = centerColumns(x, xMean);
  const yc = centerColumns(y, yMean);

  // Z (n x k) with hat = Z diag(w(a)) Z^T, and the map from Z^T Yc to coefficients.
  let z: DenseMatrix, e: Float64Array, primal: boolean, v: DenseMatrix | null = null;
  if (n >= p) {
    const eig = symmetricEig(gram(xc));
    v = eig.vectors;
    e = Float64Array.from(eig.values, (val) => Math.max(val, 0));
    z = times(xc, v);
    primal = true;
  } else {
    const eig = symmetricEig(outerGram(xc));
    z = eig.vectors;
    e = Float64Array.from(eig.values, (val) => Math.max(val, 0));
    primal = false;
  }
  const k = z.cols;
  const zty = transposeTimes(z, yc); // k x t
  // hat weights per component: primal 1/(e+a) (Z already carries sqrt(e)), dual e/(e+a)
  const weight = (c: number, a: number): number => (primal ? 1 / (e[c] + a) : e[c] / (e[c] + a));

  const looMse = alphas.map((a) => {
    const w = Float64Array.from({ length: k }, (_, c) => weight(c, a));
    let sse = 0;
    for (let i = 0; i < n; i++) {
      let h = 1 / n;
      const zi = i * k;
      for (let c = 0; c < k; c++) h += z.data[zi + c] * z.data[zi + c] * w[c];
      for (let j = 0; j < t; j++) {
        let fitted = 0;
        for (let c = 0; c < k; c++) fitted += z.data[zi + c] * w[c] * zty.data[c * t + j];
        const r = (yc.data[i * t + j] - fitted) / (1 - h);
        sse += r * r;
      }
    }
    return sse / (n * t);
  });
  let alphaIndex = 0;
  for (let i = 1; i < looMse.length; i++) if (looMse[i] < looMse[alphaIndex]) alphaIndex = i;
  const alpha = alphas[alphaIndex];

  // coefficients: primal V diag(1/(e+a)) Z^T Yc; dual Xc^T U diag(1/(e+a)) U^T Yc
  const scaled: DenseMatrix = { rows: k, cols: t, data: new Float64Array(k * t) };
  for (let c = 0; c < k; c++) for (let j = 0; j < t; j++) scaled.data[c * t + j] = zty.data[c * t + j] / (e[c] + alpha);
  const coefficients = primal ? times(v!, scaled) : transposeTimes(xc, times(z, scaled));
  const intercepts = Float64Array.from({ length: t }, (_, j) => {
    let s = yMean[j];
    for (let q = 0; q < p; q++) s -= xMean[q] * coefficients.data[q * t + j];
    return s;
  });
  return { alpha, alphaIndex, looMse, coefficients, intercepts };
}

/** X B + b: n x t predictions of a fit. */
export function ridgePredict(fit: Pick<RidgeCvFit, 'coefficients' | 'intercepts'>, x: DenseMatrix): DenseMatrix {
  const out = times(x, fit.coefficients);
  const t = out.cols;
  for (let i = 0; i < out.rows; i++) for (let j = 0; j < t; j++) out.data[i * t + j] += fit.intercepts[j];
  return out;
}
