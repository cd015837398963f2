/** RMSNorm (Llama): y = x / sqrt(mean(x²) + eps) * w, row by row over `d` features. */
import type { FloatArray } from '../kernels.js';

/** Writes y and the per-row reciprocal RMS (saved for backward). */
export function rmsnormForward(y: FloatArray, rstd: FloatArray, x: FloatArray, w: FloatArray, rows: number, d: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let ss = 0;
    for (let j = 0; j < d; j++) ss += x[o + j] * x[o + j];
    const s = 1 / Math.sqrt(ss / d + eps);
    rstd[r] = s;
    for (let j = 0; j < d; j++) y[o + j] = x[o + j] * s * w[j];
  }
}

/**
 * dx += s·(w⊙dy) − x·s³·mean(w⊙dy⊙x);  dw += Σ_rows dy⊙x·s.
 * (`dx` accumulates because the norm's input is the residual stream, which has other readers.)
 */
export function rmsnormBackward(
  dx: FloatArray, dw: FloatArray, dy: FloatArray, x: FloatArray, w: FloatArray, rstd: FloatArray, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const s = rstd[r];
    let dot = 0;
    for (let j = 0; j < d; j++) dot += w[j] * dy[o + j] * x[o + j];
    const c = (s * s * s * dot) / d;
    for (let j = 0; j < d; j++) {
      dx[o + j] += s * w[j] * dy[o + j] - x[o + j] * c;
      dw[j] += dy[o + j] * x[o + j] * s;
    }
  }
}
