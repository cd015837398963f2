/**
 * Rotary position embedding, `half` convention (Hugging Face Llama "rotate_half"): coordinate i of a
 * head pairs with i + rotaryDim/2 and is rotated by angle pos · base^(−2i/rotaryDim).
 * Rotation is orthogonal, so backward is the same rotation by the opposite angle.
 */
import type { FloatArray } from '../kernels.js';

export interface RotaryTables {
  cos: Float64Array;
  sin: Float64Array;
  half: number;
}

export function rotaryTables(seqLen: number, rotaryDim: number, base: number): RotaryTables {
  const half = rotaryDim / 2;
  const cos = new Float64Array(seqLen * half);
  const sin = new Float64Array(seqLen * half);
  for (let p = 0; p < seqLen; p++) {
    for (let i = 0; i < half; i++) {
      // the angle in float32 arithmetic would differ slightly from HF's; float64 is the reference
      const theta = p * Math.pow(base, (-2 * i) / rotaryDim);
      cos[p * half + i] = Math.cos(theta);
      sin[p * half + i] = Math.sin(theta);
    }
  }
  return { cos, sin, half };
}

/**
 * Rotates in place every head of x laid out [rows, nHeads·dHead], row r at position r mod seqLen.
 * `direction` −1 applies the inverse rotation (the backward pass).
 */
export function applyRotary(
  x: FloatArray, rows: number, seqLen: number, nHeads: number, dHead: number, t: RotaryTables, direction: 1 | -1,
): void {
  const { half } = t;
  for (let r = 0; r < rows; r++) {
    const p = (r % seqLen) * half;
    for (let h = 0; h < nHeads; h++) {
      const o = r * nHeads * dHead + h * dHead;
      for (let i = 0; i < half; i++) {
        const c = t.cos[p + i];
        const s = direction * t.sin[p + i];
        const a = x[o + i];
        const b = x[o + i + half];
        x[o + i] = a * c - b * s;
        x[o + i + half] = b * c + a * s;
      }
    }
  }
}
