import { createRng, tensor, type Float32Tensor } from '@marr/core';

/** Rows made of `active` unit atoms (of `atoms` random ones in R^d) with coefficients in [1, 2], plus noise. */
export function plantedDictionary(opts: { d: number; atoms: number; active: number; rows: number; noise: number; seed: number }): { atoms: Float32Array; rows: Float32Tensor } {
  const rng = createRng(opts.seed);
  const { d, atoms: m, active, rows: n, noise } = opts;
  const A = new Float32Array(m * d);
  for (let a = 0; a < m; a++) {
    let ss = 0;
    for (let j = 0; j < d; j++) { A[a * d + j] = rng.normal(); ss += A[a * d + j] ** 2; }
    for (let j = 0; j < d; j++) A[a * d + j] /= Math.sqrt(ss);
  }
  const X = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const chosen = new Set<number>();
    while (chosen.size < active) chosen.add(rng.int(m));
    for (const a of chosen) {
      const c = 1 + rng.next();
      for (let j = 0; j < d; j++) X[r * d + j] += c * A[a * d + j];
    }
    for (let j = 0; j < d; j++) X[r * d + j] += noise * rng.normal();
  }
  return { atoms: A, rows: tensor([n, d], X) };
}

/** For each true atom, the best |cosine| with a learned decoder row; their mean. */
export function meanBestCosine(atoms: Float32Array, W_dec: Float32Array, d: number): number {
  const m = atoms.length / d, w = W_dec.length / d;
  let sum = 0;
  for (let a = 0; a < m; a++) {
    let best = 0;
    for (let i = 0; i < w; i++) {
      let dot = 0, nn = 0;
      for (let j = 0; j < d; j++) { dot += atoms[a * d + j] * W_dec[i * d + j]; nn += W_dec[i * d + j] ** 2; }
      best = Math.max(best, dot / Math.sqrt(nn || 1));
    }
    sum += best;
  }
  return sum / m;
}
