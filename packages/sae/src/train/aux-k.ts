/**
 * The auxiliary top-k loss for dead latents (Gao et al. 2024, "Scaling and evaluating sparse
 * autoencoders", section A.2): the k_aux dead latents with the largest pre-activations reconstruct the
 * main reconstruction's error e = x − x̂ (held constant),
 *
 *   L_aux = coef · (1/B) Σ_rows ‖e − Σ_{i ∈ top k_aux dead} relu(pre_i) W_dec[i]‖²,
 *
 * so dead latents get gradient toward what the live ones miss. Everything is sparse (k_aux per row), so
 * the cost is O(B · k_aux · d_in) and nothing at all when no latent is dead.
 */
import { topKInPlace } from '../sae.js';

export interface AuxKInput {
  /** Pre-activations [rows, width] (after b_enc, before the top-k). */
  pre: Float32Array;
  /** x − x̂ per row [rows, dIn] (treated as a constant). */
  error: Float32Array;
  /** The encoder input per row, x − b_dec [rows, dIn]. */
  encoderInput: Float32Array;
  rows: number;
  dIn: number;
  width: number;
  dead: readonly number[];
  kAux: number;
  coef: number;
  W_enc: Float32Array;
  W_dec: Float32Array;
  /** Gradients, added to in place. */
  gW_enc: Float32Array;
  gb_enc: Float32Array;
  gW_dec: Float32Array;
  gb_dec: Float32Array;
}

/** Adds the aux-k gradients; returns L_aux. */
export function addAuxKGradients(s: AuxKInput): number {
  const { pre, error, encoderInput, rows, dIn, width, dead, coef, W_enc, W_dec, gW_enc, gb_enc, gW_dec, gb_dec } = s;
  const nDead = dead.length;
  const k = Math.min(s.kAux, nDead);
  if (k === 0 || coef === 0) return 0;
  const sub = new Float32Array(rows * nDead);
  for (let r = 0; r < rows; r++) for (let i = 0; i < nDead; i++) sub[r * nDead + i] = pre[r * width + dead[i]];
  topKInPlace(sub, rows, nDead, k);
  let loss = 0;
  const eHat = new Float64Array(dIn);
  const dE = new Float64Array(dIn);
  for (let r = 0; r < rows; r++) {
    eHat.fill(0);
    for (let i = 0; i < nDead; i++) {
      const a = sub[r * nDead + i];
      if (a === 0) continue;
      const o = dead[i] * dIn;
      for (let j = 0; j < dIn; j++) eHat[j] += a * W_dec[o + j];
    }
    for (let j = 0; j < dIn; j++) {
      const d = eHat[j] - error[r * dIn + j];
      loss += d * d;
      dE[j] = (2 * coef * d) / rows;
    }
    for (let i = 0; i < nDead; i++) {
      const a = sub[r * nDead + i];
      if (a === 0) continue;
      const l = dead[i];
      const o = l * dIn;
      let g = 0;
      for (let j = 0; j < dIn; j++) {
        gW_dec[o + j] += a * dE[j];
        g += dE[j] * W_dec[o + j];
      }
      gb_enc[l] += g;
      for (let j = 0; j < dIn; j++) {
        gW_enc[j * width + l] += encoderInput[r * dIn + j] * g;
        gb_dec[j] -= W_enc[j * width + l] * g;
      }
    }
  }
  return (coef * loss) / rows;
}
