/**
 * Causal scaled dot-product attention with grouped-query heads, on projected q [rows, H·dh] and
 * k, v [rows, K·dh] (rows = batch·seq). Query head h reads key/value head ⌊h / (H/K)⌋.
 * Loops rather than matmuls: at the organisms' context lengths this is a small part of the work.
 */
import type { FloatArray, Kernels } from '../kernels.js';

export interface AttentionShape {
  batch: number;
  seq: number;
  nHeads: number;
  nKvHeads: number;
  dHead: number;
}

/** Returns z [rows, H·dh] and the softmax pattern [batch, H, seq, seq] (saved for backward). */
export function attentionForward(k: Kernels, q: FloatArray, key: FloatArray, v: FloatArray, s: AttentionShape): { z: FloatArray; pattern: FloatArray } {
  const { batch, seq: T, nHeads: H, nKvHeads: K, dHead: dh } = s;
  const group = H / K;
  const scale = 1 / Math.sqrt(dh);
  const z = k.alloc(batch * T * H * dh);
  const pattern = k.alloc(batch * H * T * T);
  const qStride = H * dh;
  const kStride = K * dh;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * qStride + h * dh;
        const po = ((b * H + h) * T + t) * T;
        let max = -Infinity;
        for (let u = 0; u <= t; u++) {
          const ko = (b * T + u) * kStride + kvh * dh;
          let dot = 0;
          for (let i = 0; i < dh; i++) dot += q[qo + i] * key[ko + i];
          dot *= scale;
          pattern[po + u] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let u = 0; u <= t; u++) {
          const e = Math.exp(pattern[po + u] - max);
          pattern[po + u] = e;
          sum += e;
        }
        const zo = (b * T + t) * qStride + h * dh;
        for (let u = 0; u <= t; u++) {
          const p = pattern[po + u] / sum;
          pattern[po + u] = p;
          const vo = (b * T + u) * kStride + kvh * dh;
          for (let i = 0; i < dh; i++) z[zo + i] += p * v[vo + i];
        }
      }
    }
  }
  return { z, pattern };
}

/** Gradients of q, k, v given dz: dv += pᵀ·dz; dp = dz·vᵀ; ds = p⊙(dp − Σ p⊙dp); dq = ds·k·scale; dk = dsᵀ·q·scale. */
export function attentionBackward(
  k: Kernels, dz: FloatArray, q: FloatArray, key: FloatArray, v: FloatArray, pattern: FloatArray, s: AttentionShape,
): { dq: FloatArray; dk: FloatArray; dv: FloatArray } {
  const { batch, seq: T, nHeads: H, nKvHeads: K, dHead: dh } = s;
  const group = H / K;
  const scale = 1 / Math.sqrt(dh);
  const qStride = H * dh;
  const kStride = K * dh;
  const dq = k.alloc(q.length);
  const dk = k.alloc(key.length);
  const dv = k.alloc(v.length);
  const dp = k.alloc(T);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const zo = (b * T + t) * qStride + h * dh;
        const po = ((b * H + h) * T + t) * T;
        let pdp = 0;
        for (let u = 0; u <= t; u++) {
          const vo = (b * T + u) * kStride + kvh * dh;
          const p = pattern[po + u];
          let dot = 0;
          for (let i = 0; i < dh; i++) {
            dot += dz[zo + i] * v[vo + i];
            dv[vo + i] += p * dz[zo + i];
          }
          dp[u] = dot;
          pdp += p * dot;
        }
        const qo = zo;
        for (let u = 0; u <= t; u++) {
          const ds = pattern[po + u] * (dp[u] - pdp) * scale;
          if (ds === 0) continue;
          const ko = (b * T + u) * kStride + kvh * dh;
          for (let i = 0; i < dh; i++) {
            dq[qo + i] += ds * key[ko + i];
            dk[ko + i] += ds * q[qo + i];
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}
