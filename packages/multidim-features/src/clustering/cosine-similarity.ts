/**
 * Cosine similarities between SAE decoder directions, as the authors' clustering.py computes them
 * (W_dec · W_decᵀ with the diagonal set to 0; their SAEs have unit decoder rows, so each row is normalised
 * here first). Returned as a dense Float32Array [n, n]: 4096 features take 64 MB.
 */
export interface DecoderDirections {
  /** Features (rows). */
  n: number;
  /** Width of each direction. */
  d: number;
  /** Row-major [n, d]. */
  data: Float32Array;
}

export function cosineSimilarities(dec: DecoderDirections): Float32Array {
  const { n, d, data } = dec;
  const unit = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += data[i * d + j] ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) unit[i * d + j] = data[i * d + j] * inv;
  }
  const sims = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let k = i + 1; k < n; k++) {
      const ok = k * d;
      let s = 0;
      for (let j = 0; j < d; j++) s += unit[oi + j] * unit[ok + j];
      sims[i * n + k] = s;
      sims[k * n + i] = s;
    }
  }
  return sims;
}
