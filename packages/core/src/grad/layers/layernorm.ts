/**
 * LayerNorm (GPT-2, GPT-NeoX) as two steps, so its divisor can be hooked (`hook_scale`, e.g. frozen):
 *   scale s = sqrt(mean((x − mean x)²) + eps)   (one per row)
 *   y = (x − mean x) / s · w + b
 * With a frozen (constant) scale only the second step's gradient flows to x.
 */
import type { FloatArray } from '../kernels.js';

/** The mean of x[o .. o + d). */
function rowMean(x: FloatArray, o: number, d: number): number {
  let m = 0;
  for (let j = 0; j < d; j++) m += x[o + j];
  return m / d;
}

/** scale[r] = sqrt(var(x_r) + eps). */
export function layernormScaleForward(scale: FloatArray, x: FloatArray, rows: number, d: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const m = rowMean(x, o, d);
    let v = 0;
    for (let j = 0; j < d; j++) v += (x[o + j] - m) * (x[o + j] - m);
    scale[r] = Math.sqrt(v / d + eps);
  }
}

/** dx += dscale · (x − mean x) / (d · s)   (d s / d x_j; the centring drops out because Σ(x − mean) = 0). */
export function layernormScaleBackward(dx: FloatArray, dscale: FloatArray, x: FloatArray, scale: FloatArray, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const m = rowMean(x, o, d);
    const c = dscale[r] / (d * scale[r]);
    for (let j = 0; j < d; j++) dx[o + j] += c * (x[o + j] - m);
  }
}

/** y = (x − mean x) / scale · w + b. */
export function layernormApplyForward(y: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, b: FloatArray | null, rows: number, d: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const m = rowMean(x, o, d);
    const inv = 1 / scale[r];
    for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - m) * inv * w[j] + (b ? b[j] : 0);
  }
}

/**
 * What both backward passes reduce per row r, with g = w⊙dy/s: the row's mean, mean_j g_j and
 * Σ_j g_j (x_j − mean x).
 */
function backwardRowSums(dy: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, o: number, d: number, r: number): { m: number; inv: number; gMean: number; gc: number } {
  const m = rowMean(x, o, d);
  const inv = 1 / scale[r];
  let gMean = 0;
  let gc = 0;
  for (let j = 0; j < d; j++) {
    const g = w[j] * dy[o + j] * inv;
    gMean += g;
    gc += g * (x[o + j] - m);
  }
  return { m, inv, gMean: gMean / d, gc };
}

/**
 * Backward of `layernormApplyForward` with the scale held as an input:
 * g = w⊙dy/s;  dx += g − mean(g);  dscale −= Σ_j g_j (x_j − mean x) / s;  dw += Σ dy⊙x̂;  db += Σ dy.
 * Any of dx, dscale, dw, db may be null (not needed).
 */
export function layernormApplyBackward(
  dx: FloatArray | null, dscale: FloatArray | null, dw: FloatArray | null, db: FloatArray | null,
  dy: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const { m, inv, gMean, gc } = backwardRowSums(dy, x, scale, w, o, d, r);
    if (dscale) dscale[r] -= gc * inv;
    for (let j = 0; j < d; j++) {
      if (dx) dx[o + j] += w[j] * dy[o + j] * inv - gMean;
      if (dw) dw[j] += dy[o + j] * (x[o + j] - m) * inv;
      if (db) db[j] += dy[o + j];
    }
  }
}

/**
 * The whole norm's backward in one pass, for when nothing hooks the scale (it is then a function of x):
 * with x̂ = (x − mean x)/s and g = w⊙dy/s:  dx += g − mean(g) − x̂·Σ_j(g_j x̂_j)/d;  dw += Σ dy⊙x̂;  db += Σ dy.
 * Equals layernormApplyBackward followed by layernormScaleBackward. Null buffers are skipped.
 */
export function layernormBackward(
  dx: FloatArray | null, dw: FloatArray | null, db: FloatArray | null,
  dy: FloatArray, x: FloatArray, scale: FloatArray, w: FloatArray, rows: number, d: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const { m, inv, gMean, gc } = backwardRowSums(dy, x, scale, w, o, d, r);
    // Σ_j g_j x̂_j / d
    const gx = (gc * inv) / d;
    for (let j = 0; j < d; j++) {
      const xh = (x[o + j] - m) * inv;
      if (dx) dx[o + j] += w[j] * dy[o + j] * inv - gMean - xh * gx;
      if (dw) dw[j] += dy[o + j] * xh;
      if (db) db[j] += dy[o + j];
    }
  }
}
