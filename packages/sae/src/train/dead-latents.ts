/**
 * Resampling dead latents (Anthropic, "Towards Monosemanticity", 2023): each dead latent gets a new
 * decoder row, the normalised residual x − x̂ of a batch row drawn with probability ∝ its squared
 * error²; its encoder column is that direction times 0.2 × the mean encoder norm of the live latents,
 * its bias 0, and its Adam moments are reset. Works for both architectures; for top-k a resampled
 * latent still has to win a place among the k.
 */
import type { Rng } from '@marr/core';

export interface ResampleInput {
  /** Indices of the dead latents. */
  dead: readonly number[];
  /** x − x̂ for the batch, [rows, dIn]. */
  residual: Float32Array;
  rows: number;
  dIn: number;
  width: number;
  /** [dIn, width], [width], [width, dIn]: changed in place. */
  W_enc: Float32Array;
  b_enc: Float32Array;
  W_dec: Float32Array;
  /** Optimiser moment arrays over the flat parameters (zeroed for the resampled entries). */
  moments: Float32Array[];
  /** Where W_enc, b_enc and W_dec start in the flat parameter array. */
  offsets: { W_enc: number; b_enc: number; W_dec: number };
  rng: Rng;
}

/** Returns the batch row each dead latent was resampled from (same order as `dead`). */
export function resampleDeadLatents(s: ResampleInput): number[] {
  const { dead, residual, rows, dIn, width, W_enc, b_enc, W_dec, moments, offsets } = s;
  const deadSet = new Set(dead);
  let aliveNorm = 0, alive = 0;
  for (let j = 0; j < width; j++) {
    if (deadSet.has(j)) continue;
    let ss = 0;
    for (let i = 0; i < dIn; i++) ss += W_enc[i * width + j] ** 2;
    aliveNorm += Math.sqrt(ss);
    alive++;
  }
  const encNorm = 0.2 * (alive > 0 ? aliveNorm / alive : 1);
  const cum = new Float64Array(rows);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let e = 0;
    for (let i = 0; i < dIn; i++) e += residual[r * dIn + i] ** 2;
    total += e * e;
    cum[r] = total;
  }
  const picked: number[] = [];
  if (!(total > 0)) return picked;
  const zero = (o: number) => { for (const m of moments) m[o] = 0; };
  for (const j of dead) {
    const u = s.rng.next() * total;
    let lo = 0, hi = rows - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] <= u) lo = mid + 1;
      else hi = mid;
    }
    picked.push(lo);
    let ss = 0;
    for (let i = 0; i < dIn; i++) ss += residual[lo * dIn + i] ** 2;
    const n = Math.sqrt(ss) || 1;
    for (let i = 0; i < dIn; i++) {
      const v = residual[lo * dIn + i] / n;
      W_dec[j * dIn + i] = v;
      W_enc[i * width + j] = v * encNorm;
      zero(offsets.W_dec + j * dIn + i);
      zero(offsets.W_enc + i * width + j);
    }
    b_enc[j] = 0;
    zero(offsets.b_enc + j);
  }
  return picked;
}
