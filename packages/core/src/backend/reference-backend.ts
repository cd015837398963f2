/**
 * The pure-TypeScript backend: every kernel is a reference op from tensor/ops.ts.
 */
import type { Backend, MlpInResult } from './backend.js';
import { activation, linearReference, matmulReference, softmax } from '../tensor/ops.js';
import { tensor, type Float32Tensor } from '../tensor/tensor.js';
import type { Activation } from '../model/config.js';

export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    linear: async (x, w, bias) => linearReference(x, w, bias),
    mlpIn: async (x, wIn, bIn, wGate, act: Activation): Promise<MlpInResult> => {
      const f = activation(act);
      if (wGate) {
        const pre = linearReference(x, wGate);
        const preLinear = linearReference(x, wIn, bIn);
        const post = new Float32Array(pre.data.length);
        for (let i = 0; i < post.length; i++) post[i] = f(pre.data[i]) * preLinear.data[i];
        return { pre, preLinear, post: tensor(pre.shape, post) };
      }
      const pre = linearReference(x, wIn, bIn);
      const post = new Float32Array(pre.data.length);
      for (let i = 0; i < post.length; i++) post[i] = f(pre.data[i]);
      return { pre, post: tensor(pre.shape, post) };
    },
    attentionPattern: async (q, k, mask, scale, wantScores) => {
      const s = matmulReference(q, k, { transposeB: true });
      const [B, H, T, S] = s.shape;
      for (let b = 0; b < B; b++)
        for (let h = 0; h < H; h++)
          for (let t = 0; t < T; t++) {
            const o = ((b * H + h) * T + t) * S;
            const m = (b * T + t) * S;
            for (let j = 0; j < S; j++) s.data[o + j] = s.data[o + j] * scale + mask.data[m + j];
          }
      const pattern = softmax(s);
      return wantScores ? { scores: s, pattern } : { pattern };
    },
    matmul: async (a: Float32Tensor, b: Float32Tensor, options) => matmulReference(a, b, options),
    release: () => {},
    dispose: async () => {},
  };
}
