/**
 * SVD and symmetric eigendecomposition from ml-matrix (one-sided Jacobi / Golub-Kahan and tridiagonal
 * QL: well tested, and fast enough for the p <= a few thousand matrices analyses decompose); Cholesky
 * written here on the flat arrays: the probes' and regressions' inner loops factor many small Gram
 * matrices, and ml-matrix (building its Matrix, factoring, solving) took 2.8x as long at p = 8, 3.3x at
 * p = 64 and 4.8x at p = 256 (bench/linalg.mjs, same run, same matrices).
 */
import { EigenvalueDecomposition, SingularValueDecomposition } from 'ml-matrix';
import { fromMl, toMl, type DenseMatrix } from './dense.js';

export interface Svd {
  /** rows x k left singular vectors (k = min(rows, cols)). */
  u: DenseMatrix;
  /** Singular values, descending. */
  s: Float64Array;
  /** cols x k right singular vectors. */
  v: DenseMatrix;
}

/** Thin SVD A = U diag(s) V^T, singular values descending. */
export function svd(a: DenseMatrix): Svd {
  const d = new SingularValueDecomposition(toMl(a), { computeLeftSingularVectors: true, computeRightSingularVectors: true, autoTranspose: true });
  const k = Math.min(a.rows, a.cols);
  const u = fromMl(d.leftSingularVectors);
  const v = fromMl(d.rightSingularVectors);
  return { u: firstColumns(u, k), s: Float64Array.from(d.diagonal.slice(0, k)), v: firstColumns(v, k) };
}

function firstColumns(m: DenseMatrix, k: number): DenseMatrix {
  if (m.cols === k) return m;
  const out = new Float64Array(m.rows * k);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = m.data[i * m.cols + j];
  return { rows: m.rows, cols: k, data: out };
}

export interface SymmetricEig {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /** n x n, column j is the unit eigenvector of values[j]. */
  vectors: DenseMatrix;
}

/** Eigendecomposition of a symmetric matrix (checked), eigenvalues descending. */
export function symmetricEig(a: DenseMatrix): SymmetricEig {
  if (a.rows !== a.cols) throw new RangeError(`symmetricEig: the matrix must be square, got ${a.rows}x${a.cols}`);
  const n = a.rows;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const x = a.data[i * n + j], y = a.data[j * n + i];
      if (Math.abs(x - y) > 1e-10 * Math.max(1, Math.abs(x), Math.abs(y))) throw new RangeError(`symmetricEig: the matrix is not symmetric at (${i}, ${j})`);
    }
  }
  const d = new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true });
  const vectors = fromMl(d.eigenvectorMatrix);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d.realEigenvalues[y] - d.realEigenvalues[x]);
  const out = new Float64Array(n * n);
  order.forEach((src, dst) => {
    for (let i = 0; i < n; i++) out[i * n + dst] = vectors.data[i * n + src];
  });
  return { values: Float64Array.from(order, (i) => d.realEigenvalues[i]), vectors: { rows: n, cols: n, data: out } };
}

/** Lower-triangular L with A = L L^T; throws for a matrix that is not positive definite. */
export function cholesky(a: DenseMatrix): DenseMatrix {
  if (a.rows !== a.cols) throw new RangeError(`cholesky: the matrix must be square, got ${a.rows}x${a.cols}`);
  const n = a.rows;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a.data[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) throw new RangeError(`cholesky: the matrix is not positive definite (pivot ${j} is ${d})`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a.data[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  return { rows: n, cols: n, data: l };
}

/** Solves A x = b given A's Cholesky factor L (forward then back substitution). */
export function choleskySolve(l: DenseMatrix, b: ArrayLike<number>): Float64Array {
  const n = l.rows;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l.data[i * n + k] * y[k];
    y[i] = s / l.data[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l.data[k * n + i] * x[k];
    x[i] = s / l.data[i * n + i];
  }
  return x;
}
