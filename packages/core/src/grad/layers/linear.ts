/** A dense layer y = x·W (+ b) with W stored [in, out]: the projections of attention, MLP and unembedding. */
import type { FloatArray, Kernels } from '../kernels.js';

export async function linearForward(
  k: Kernels, x: FloatArray, w: FloatArray, b: FloatArray | null, rows: number, nIn: number, nOut: number,
): Promise<FloatArray> {
  const y = await k.matmul(x, w, { m: rows, k: nIn, n: nOut });
  if (b) for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) y[r * nOut + j] += b[j];
  return y;
}

/**
 * Backward of `linearForward`: returns dx = dy·Wᵀ (null when `wantDx` is false) and accumulates
 * dW += xᵀ·dy and db += Σ_rows dy into the given buffers (skipped when they are null).
 */
export async function linearBackward(
  k: Kernels, dy: FloatArray, x: FloatArray, w: FloatArray, dw: FloatArray | null, db: FloatArray | null,
  rows: number, nIn: number, nOut: number, wantDx = true,
): Promise<FloatArray | null> {
  const [dx, dwStep] = await Promise.all([
    wantDx ? k.matmul(dy, w, { m: rows, k: nOut, n: nIn, transB: true }) : null,
    dw ? k.matmul(x, dy, { m: nIn, k: rows, n: nOut, transA: true }) : null,
  ]);
  if (dw && dwStep) for (let i = 0; i < dw.length; i++) dw[i] += dwStep[i];
  if (db) for (let r = 0; r < rows; r++) for (let j = 0; j < nOut; j++) db[j] += dy[r * nOut + j];
  return dx;
}
