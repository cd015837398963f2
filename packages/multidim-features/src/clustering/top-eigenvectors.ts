/**
 * The top-k eigenvectors of a large symmetric matrix by randomized subspace iteration (Halko, Martinsson &
 * Tropp 2011, algorithms 4.4 and 5.3): Y = A^q Ω with re-orthonormalisation after every product, then the
 * Rayleigh–Ritz step on B = Qᵀ A Q (small, decomposed exactly by core's symmetricEig). The products run on
 * core's matmul; this is what lets spectral clustering handle thousands of features, where a dense n x n
 * eigendecomposition takes minutes.
 */
import { createRng, matmul, symmetricEig, throwIfCancelled } from '@marr/core';

/** Modified Gram–Schmidt on the columns of y [n, m] (row-major), in place; returns y. */
export function orthonormaliseColumns(y: Float64Array, n: number, m: number): Float64Array {
  for (let c = 0; c < m; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let prev = 0; prev < c; prev++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += y[i * m + c] * y[i * m + prev];
        for (let i = 0; i < n; i++) y[i * m + c] -= dot * y[i * m + prev];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += y[i * m + c] ** 2;
    norm = Math.sqrt(norm);
    const inv = norm > 1e-300 ? 1 / norm : 0;
    for (let i = 0; i < n; i++) y[i * m + c] *= inv;
  }
  return y;
}

export interface TopEigen {
  /** The k largest eigenvalues, descending. */
  values: Float64Array;
  /** [n, k] row-major, column j the eigenvector of values[j]. */
  vectors: Float64Array;
}

export async function topEigenvectors(a: Float32Array, n: number, k: number, options: { seed: number; oversample?: number; iterations?: number; signal?: AbortSignal }): Promise<TopEigen> {
  const m = Math.min(n, k + (options.oversample ?? 10));
  const rng = createRng(options.seed);
  let y: Float64Array = Float64Array.from({ length: n * m }, () => rng.normal());
  const A = { dtype: 'float32' as const, shape: [n, n], data: a };
  const times = async (x: Float64Array): Promise<Float64Array> => Float64Array.from((await matmul(A, { dtype: 'float32', shape: [n, m], data: Float32Array.from(x) })).data);
  orthonormaliseColumns(y, n, m);
  for (let it = 0; it < (options.iterations ?? 8); it++) {
    throwIfCancelled(options.signal);
    y = orthonormaliseColumns(await times(y), n, m);
  }
  const ay = await times(y);
  const b = new Float64Array(m * m);
  for (let i = 0; i < n; i++) for (let r = 0; r < m; r++) { const yr = y[i * m + r]; for (let c = 0; c < m; c++) b[r * m + c] += yr * ay[i * m + c]; }
  for (let r = 0; r < m; r++) for (let c = 0; c < r; c++) { const v = (b[r * m + c] + b[c * m + r]) / 2; b[r * m + c] = v; b[c * m + r] = v; }
  const eig = symmetricEig({ rows: m, cols: m, data: b });
  const vectors = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let r = 0; r < m; r++) s += y[i * m + r] * eig.vectors.data[r * m + j];
    vectors[i * k + j] = s;
  }
  return { values: eig.values.slice(0, k), vectors };
}
