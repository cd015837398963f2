/**
 * Embedding lookups: token embeddings W_E[token] and learned position embeddings W_pos[position id]
 * (explicit position ids, so left-padded rows start at position 0 on their first real token).
 */
import type { FloatArray } from '../kernels.js';

/** out[i] = table[ids[i]] for every row i (out is [ids.length, d]). */
export function embeddingForward(out: FloatArray, ids: Int32Array, table: FloatArray, d: number): void {
  for (let i = 0; i < ids.length; i++) {
    const src = ids[i] * d;
    const dst = i * d;
    for (let j = 0; j < d; j++) out[dst + j] = table[src + j];
  }
}

/** dTable[ids[i]] += dout[i]: the adjoint of the lookup (rows of repeated ids add up). */
export function embeddingBackward(dTable: FloatArray, ids: Int32Array, dout: FloatArray, d: number): void {
  for (let i = 0; i < ids.length; i++) {
    const dst = ids[i] * d;
    const src = i * d;
    for (let j = 0; j < d; j++) dTable[dst + j] += dout[src + j];
  }
}
