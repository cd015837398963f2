/**
 * Cosine similarities between SAE decoder directions, as the authors' clustering.py computes them
 * (W_dec · W_decᵀ with the diagonal set to 0; their SAEs have unit decoder rows, so each row is normalised
 * here first). The product runs on core's shared backend (matmul). Returned as a dense Float32Array
 * [n, n]: 4096 features take 64 MB, 24,576 (GPT-2's SAEs) 2.4 GB.
 */
import { matmul } from '@marr/core';

export interface DecoderDirections {
  /** Features (rows). */
  n: number;
  /** Width of each direction. */
  d: number;
  /** Row-major [n, d]. */
  data: Float32Array;
}

export async function cosineSimilarities(dec: DecoderDirections): Promise<Float32Array> {
  const { n, d, data } = dec;
  const unit = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let ss = 0;
    for (let j = 0; j < d; j++) ss += data[i * d + j] ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < d; j++) unit[i * d + j] = data[i * d + j] * inv;
  }
  const t = { dtype: 'float32' as const, shape: [n, d], data: unit };
  const sims = (await matmul(t, t, { transposeB: true })).data;
  for (let i = 0; i < n; i++) sims[i * n + i] = 0;
  return sims;
}
