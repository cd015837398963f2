import { createRng, type DenseMatrix } from '@marr/core';

/** n x p standard normal matrix from a seed. */
export function randomMatrix(n: number, p: number, seed: number): DenseMatrix {
  const rng = createRng(seed);
  return { rows: n, cols: p, data: Float64Array.from({ length: n * p }, () => rng.normal()) };
}

/** y = X W + b + noise (n x t). */
export function plantedTargets(x: DenseMatrix, w: readonly (readonly number[])[], bias: readonly number[], noise: number, seed: number): DenseMatrix {
  const rng = createRng(seed);
  const t = w.length;
  const data = new Float64Array(x.rows * t);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < t; j++) {
      let s = bias[j];
      for (let q = 0; q < x.cols; q++) s += x.data[i * x.cols + q] * w[j][q];
      data[i * t + j] = s + noise * rng.normal();
    }
  }
  return { rows: x.rows, cols: t, data };
}

export function column(m: DenseMatrix, j: number): Float64Array {
  return Float64Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]);
}
