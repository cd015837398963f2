/** A dense design matrix (n samples x p features), row-major. */
export interface DesignMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function designMatrix(rows: number, cols: number, data: ArrayLike<number>): DesignMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new Error(`designMatrix: rows and cols must be non-negative integers, got ${rows} x ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new Error(`designMatrix: expected ${rows * cols} values for ${rows} x ${cols}, got ${data.length}`);
  }
  return { rows, cols, data: Float64Array.from(data) };
}

/** Column j as a new array. */
export function designColumn(x: DesignMatrix, j: number): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = x.data[i * x.cols + j];
  return out;
}

/** X xi for a coefficient vector of length cols. */
export function designTimes(x: DesignMatrix, xi: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    const off = i * x.cols;
    for (let j = 0; j < x.cols; j++) if (xi[j] !== 0) s += x.data[off + j] * xi[j];
    out[i] = s;
  }
  return out;
}
