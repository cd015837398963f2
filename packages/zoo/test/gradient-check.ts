/** Central finite differences in float64, the independent reference for every backward pass. */
import { createRng } from '@marr/core';

export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

/** ∂f/∂x[i] by (f(x + h e_i) − f(x − h e_i)) / 2h for the listed indices (all when omitted). */
export async function numericGradient(
  f: () => number | Promise<number>, x: Float64Array, indices?: number[], h = 1e-5,
): Promise<Float64Array> {
  const g = new Float64Array(x.length);
  for (const i of indices ?? [...x.keys()]) {
    const old = x[i];
    x[i] = old + h;
    const fp = await f();
    x[i] = old - h;
    const fm = await f();
    x[i] = old;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Largest |a − b| / max(1e-6·scale, |a| + |b|) over the indices; scale is the largest |b|. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, indices?: number[]): number {
  const idx = indices ?? [...Array(a.length).keys()];
  let scale = 0;
  for (const i of idx) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (const i of idx) {
    const denom = Math.max(1e-6 * scale, Math.abs(a[i]) + Math.abs(b[i]), 1e-12);
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / denom);
  }
  return worst;
}

/** Σ out ⊙ r: a scalar whose gradient with respect to `out` is r. */
export function dotWith(out: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}

/** A seeded sample of `count` indices in [0, n) (every index when n ≤ count). */
export function sampleIndices(n: number, count: number, seed: number): number[] {
  if (n <= count) return [...Array(n).keys()];
  const rng = createRng(seed);
  return rng.shuffle([...Array(n).keys()]).slice(0, count);
}
