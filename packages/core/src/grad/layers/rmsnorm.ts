/**
 * RMSNorm (Llama) as two steps, so its divisor can be hooked (`hook_scale`, e.g. frozen):
 *   scale s = sqrt(mean(x²) + eps)   (one per row)
 *   y = x / s · w
 */
import type { FloatArray } from '../kernels.js';

export function rmsnormScaleForward(scale: FloatArray, x: FloatArray, rows: number, d: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let ss = 0;
    for (let j = 0; j < d; j++) ss += x[o + j] * x[o + j];
    scale[r] = Math.sqrt(ss / d + eps);
  }
}

/** dx += dscale · x / (d · s). */
export function rmsnormScaleBackward(dx: FloatArray, dscale: FloatArray, x: FloatArray, scale: FloatArray, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const c = dscale[r] / (d * scale[r]);
    for (let j = 0; j < d; j++) dx[o + j] += c * x[o + j];
  }
}

export function rmsnormApplyForward(y: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const inv = 1 / scale[r];
    for (let j = 0; j < d; j++) y[o + j] = x[o + j] * inv * w[j];
  }
}

/** dx += w⊙dy/s;  dscale −= Σ_j w_j dy_j x_j / s²;  dw += Σ dy⊙x/s. Null buffers are skipped. */
export function rmsnormApplyBackward(
  dx: FloatArray | null, dscale: FloatArray | null, dw: FloatArray | null,
  dy: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const inv = 1 / scale[r];
    let dot = 0;
    for (let j = 0; j < d; j++) {
      const g = w[j] * dy[o + j];
      dot += g * x[o + j];
      if (dx) dx[o + j] += g * inv;
      if (dw) dw[j] += dy[o + j] * x[o + j] * inv;
    }
    if (dscale) dscale[r] -= dot * inv * inv;
  }
}

/**
 * The whole norm's backward in one pass, for when nothing hooks the scale (it is then a function of x):
 * dx += s⁻¹·w⊙dy − x·s⁻³·Σ_j(w_j dy_j x_j)/d;  dw += Σ dy⊙x/s. Equals rmsnormApplyBackward followed by
 * rmsnormScaleBackward. Null buffers are skipped.
 */
export function rmsnormBackward(
  dx: FloatArray | null, dw: FloatArray | null, dy: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const inv = 1 / scale[r];
    let dot = 0;
    for (let j = 0; j < d; j++) dot += w[j] * dy[o + j] * x[o + j];
    const c = (inv * inv * inv * dot) / d;
    if (dx) for (let j = 0; j < d; j++) dx[o + j] += inv * w[j] * dy[o + j] - x[o + j] * c;
    if (dw) for (let j = 0; j < d; j++) dw[j] += dy[o + j] * x[o + j] * inv;
  }
}
