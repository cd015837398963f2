/** LayerNorm (GPT-2): y = (x − mean) / sqrt(var + eps) * w + b, row by row. */
import type { FloatArray } from '../kernels.js';

export function layernormForward(
  y: FloatArray, mean: FloatArray, rstd: FloatArray, x: FloatArray, w: FloatArray, b: FloatArray, rows: number, d: number, eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let m = 0;
    for (let j = 0; j < d; j++) m += x[o + j];
    m /= d;
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[o + j] - m) * (x[o + j] - m);
    const s = 1 / Math.sqrt(v / d + eps);
    mean[r] = m;
    rstd[r] = s;
    for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - m) * s * w[j] + b[j];
  }
}

/** dx += s·(g − mean(g) − x̂·mean(g⊙x̂)) with g = w⊙dy;  dw += Σ dy⊙x̂;  db += Σ dy. */
export function layernormBackward(
  dx: FloatArray, dw: FloatArray, db: FloatArray, dy: FloatArray, x: FloatArray, w: FloatArray,
  mean: FloatArray, rstd: FloatArray, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const m = mean[r];
    const s = rstd[r];
    let gMean = 0;
    let gxMean = 0;
    for (let j = 0; j < d; j++) {
      const g = w[j] * dy[o + j];
      gMean += g;
      gxMean += g * (x[o + j] - m) * s;
    }
    gMean /= d;
    gxMean /= d;
    for (let j = 0; j < d; j++) {
      const xhat = (x[o + j] - m) * s;
      dx[o + j] += s * (w[j] * dy[o + j] - gMean - xhat * gxMean);
      dw[j] += dy[o + j] * xhat;
      db[j] += dy[o + j];
    }
  }
}
