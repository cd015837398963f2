/** Token (and learned position) embedding: out[i] = W_E[token[i]] (+ W_pos[i mod T]). */
import type { FloatArray } from '../kernels.js';

export function embeddingForward(
  out: FloatArray, tokens: Int32Array, wte: FloatArray, wpe: FloatArray | null, seqLen: number, d: number,
): void {
  for (let i = 0; i < tokens.length; i++) {
    const src = tokens[i] * d;
    const dst = i * d;
    for (let j = 0; j < d; j++) out[dst + j] = wte[src + j];
    if (wpe) {
      const p = (i % seqLen) * d;
      for (let j = 0; j < d; j++) out[dst + j] += wpe[p + j];
    }
  }
}

/** Accumulates into dWte (and dWpe) the gradient of the embedding output `dout`. */
export function embeddingBackward(
  dout: FloatArray, tokens: Int32Array, dwte: FloatArray, dwpe: FloatArray | null, seqLen: number, d: number,
): void {
  for (let i = 0; i < tokens.length; i++) {
    const dst = tokens[i] * d;
    const src = i * d;
    for (let j = 0; j < d; j++) dwte[dst + j] += dout[src + j];
    if (dwpe) {
      const p = (i % seqLen) * d;
      for (let j = 0; j < d; j++) dwpe[p + j] += dout[src + j];
    }
  }
}
