/** Unit vectors and in-place projections on row-major float32 tensors whose last axis is d_model. */
import type { Float32Tensor } from '@marr/core';

/** r / |r| in float64 (null for a zero or non-finite vector, which has no direction to remove). */
export function unitVector(r: ArrayLike<number>): Float64Array | null {
  let n = 0;
  for (let i = 0; i < r.length; i++) n += r[i] * r[i];
  n = Math.sqrt(n);
  if (!(n > 0) || !Number.isFinite(n)) return null;
  const u = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) u[i] = r[i] / n;
  return u;
}

export function norm(r: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < r.length; i++) n += r[i] * r[i];
  return Math.sqrt(n);
}

/** x <- x - (x . u) u for every length-d vector in data[start, end) (u a unit vector, dot products in float64). */
export function projectOut(data: Float32Array, u: Float64Array, start = 0, end = data.length): void {
  const d = u.length;
  for (let at = start; at < end; at += d) {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += data[at + j] * u[j];
    for (let j = 0; j < d; j++) data[at + j] -= dot * u[j];
  }
}

/** x <- x + c v for every length-d vector in data[start, end). */
export function addVector(data: Float32Array, v: ArrayLike<number>, c: number, start = 0, end = data.length): void {
  const d = v.length;
  for (let at = start; at < end; at += d) for (let j = 0; j < d; j++) data[at + j] += c * v[j];
}

/** The size of one batch row of an activation [batch, ...]. */
export function rowSize(t: Float32Tensor): number {
  return t.data.length / t.shape[0];
}
