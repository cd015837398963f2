/** Dense row-major float64 matrices, the shape the toolkit's linear algebra takes and returns. */
import { Matrix } from 'ml-matrix';

export interface DenseMatrix {
  rows: number;
  cols: number;
  /** Row-major, rows * cols values. */
  data: Float64Array;
}

export function denseMatrix(rows: number, cols: number, data?: ArrayLike<number>): DenseMatrix {
  if (data && data.length !== rows * cols) throw new RangeError(`denseMatrix: ${rows}x${cols} needs ${rows * cols} values, got ${data.length}`);
  return { rows, cols, data: data ? Float64Array.from(data) : new Float64Array(rows * cols) };
}

export function fromRows(rows: readonly (readonly number[])[]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  return denseMatrix(rows.length, cols, rows.flat());
}

export function toRows(m: DenseMatrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

/** @internal conversion to ml-matrix. */
export function toMl(m: DenseMatrix): Matrix {
  return new Matrix(toRows(m));
}

/** @internal conversion from ml-matrix. */
export function fromMl(m: Matrix): DenseMatrix {
  return denseMatrix(m.rows, m.columns, m.to1DArray());
}

/** A^T A (cols x cols). */
export function gram(a: DenseMatrix): DenseMatrix {
  const { rows: n, cols: p, data } = a;
  const out = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    const o = r * p;
    for (let i = 0; i < p; i++) {
      const v = data[o + i];
      if (v === 0) continue;
      for (let j = i; j < p; j++) out[i * p + j] += v * data[o + j];
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) out[i * p + j] = out[j * p + i];
  return { rows: p, cols: p, data: out };
}

/** A x for a vector x of length cols. */
export function matVec(a: DenseMatrix, x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Column means of A. */
export function columnMeans(a: DenseMatrix): Float64Array {
  const out = new Float64Array(a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[j] += a.data[i * a.cols + j];
  for (let j = 0; j < a.cols; j++) out[j] /= a.rows;
  return out;
}

/** A with each column's mean subtracted. */
export function centerColumns(a: DenseMatrix, means = columnMeans(a)): DenseMatrix {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out[i * a.cols + j] = a.data[i * a.cols + j] - means[j];
  return { rows: a.rows, cols: a.cols, data: out };
}
