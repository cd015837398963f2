/**
 * Rotary position embeddings on x [rows, nHeads·dHead] (row r = batch·seq index), at explicit position
 * ids (left padding shifts them), for both pairings:
 * - `half`: coordinate i with i + rotaryDim/2 (Hugging Face Llama and GPT-NeoX "rotate_half");
 * - `interleaved`: coordinate 2i with 2i + 1 (llama2.c, GPT-J).
 * Only the first `rotaryDim` coordinates of each head rotate (partial rotary, Pythia). The rotation is
 * orthogonal, so the backward pass is the same rotation by the opposite angle. Angles are computed as
 * core's `applyRotary` does (float32 position × float32 inverse frequency), so values equal `run()`'s.
 */
import type { RotaryStyle } from '../../model/config.js';
import { rotaryAngle, rotaryInverseFrequencies } from '../../tensor/ops.js';
import type { FloatArray } from '../kernels.js';

export interface RotaryTables {
  /** [rows, rotaryDim/2] cosines and sines of each row's angles. */
  cos: Float64Array;
  sin: Float64Array;
  half: number;
  style: RotaryStyle;
}

export function rotaryTables(positions: Int32Array, rotaryDim: number, base: number, style: RotaryStyle): RotaryTables {
  const half = rotaryDim / 2;
  const inv = rotaryInverseFrequencies(rotaryDim, base);
  const cos = new Float64Array(positions.length * half);
  const sin = new Float64Array(positions.length * half);
  for (let r = 0; r < positions.length; r++) {
    for (let i = 0; i < half; i++) {
      const a = rotaryAngle(positions[r], inv[i]);
      cos[r * half + i] = Math.cos(a);
      sin[r * half + i] = Math.sin(a);
    }
  }
  return { cos, sin, half, style };
}

/** out = rotate(x) (direction 1) or its inverse (direction −1, the backward pass). `out` may be `x`. */
export function rotaryApply(out: FloatArray, x: FloatArray, rows: number, nHeads: number, dHead: number, t: RotaryTables, direction: 1 | -1): void {
  const { half } = t;
  const interleaved = t.style === 'interleaved';
  if (out !== x) out.set(x);
  for (let r = 0; r < rows; r++) {
    const p = r * half;
    for (let h = 0; h < nHeads; h++) {
      const o = (r * nHeads + h) * dHead;
      for (let i = 0; i < half; i++) {
        const c = t.cos[p + i];
        const s = direction * t.sin[p + i];
        const i0 = interleaved ? o + 2 * i : o + i;
        const i1 = interleaved ? i0 + 1 : i0 + half;
        const a = x[i0];
        const b = x[i1];
        out[i0] = a * c - b * s;
        out[i1] = b * c + a * s;
      }
    }
  }
}
