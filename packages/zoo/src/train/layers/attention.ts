/**
 * Causal scaled dot-product attention with grouped-query heads, on projected q [rows, H·dh] and
 * k, v [rows, K·dh] (rows = batch·seq). Query head h reads key/value head ⌊h / (H/K)⌋.
 * Heads are gathered into [batch·H, seq, dh] blocks so scores, mixing and their gradients are batched
 * matmuls on the kernels; the softmax and its backward are loops.
 */
import type { FloatArray, Kernels } from '../kernels.js';

export interface AttentionShape {
  batch: number;
  seq: number;
  nHeads: number;
  nKvHeads: number;
  dHead: number;
}

/** [rows, nSrc·dh] → [batch·H, seq, dh], query head h reading source head ⌊h·nSrc/H⌋. */
function gatherHeads(k: Kernels, x: FloatArray, s: AttentionShape, nSrc: number): FloatArray {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const group = H / nSrc;
  const out = k.alloc(batch * H * T * dh);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const src = Math.floor(h / group) * dh;
      for (let t = 0; t < T; t++) {
        const o = ((b * H + h) * T + t) * dh;
        const i0 = (b * T + t) * nSrc * dh + src;
        for (let i = 0; i < dh; i++) out[o + i] = x[i0 + i];
      }
    }
  }
  return out;
}

/** The adjoint of gatherHeads: [batch·H, seq, dh] → [rows, nDst·dh], summing the heads of a group. */
function scatterHeads(k: Kernels, xh: FloatArray, s: AttentionShape, nDst: number): FloatArray {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const group = H / nDst;
  const out = k.alloc(batch * T * nDst * dh);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++) {
      const dst = Math.floor(h / group) * dh;
      for (let t = 0; t < T; t++) {
        const o = ((b * H + h) * T + t) * dh;
        const i0 = (b * T + t) * nDst * dh + dst;
        for (let i = 0; i < dh; i++) out[i0 + i] += xh[o + i];
      }
    }
  }
  return out;
}

/** Returns z [rows, H·dh] and the softmax pattern [batch, H, seq, seq] (saved for backward). */
export async function attentionForward(k: Kernels, q: FloatArray, key: FloatArray, v: FloatArray, s: AttentionShape): Promise<{ z: FloatArray; pattern: FloatArray }> {
  const { batch, seq: T, nHeads: H, nKvHeads: K, dHead: dh } = s;
  const BH = batch * H;
  const scale = 1 / Math.sqrt(dh);
  const qh = gatherHeads(k, q, s, H);
  const kh = gatherHeads(k, key, s, K);
  const vh = gatherHeads(k, v, s, K);
  const pattern = await k.batchedMatmul(qh, kh, BH, { m: T, k: dh, n: T, transB: true });
  for (let r = 0; r < BH * T; r++) {
    const t = r % T;
    const o = r * T;
    let max = -Infinity;
    for (let u = 0; u <= t; u++) {
      const x = pattern[o + u] * scale;
      pattern[o + u] = x;
      if (x > max) max = x;
    }
    let sum = 0;
    for (let u = 0; u <= t; u++) {
      const e = Math.exp(pattern[o + u] - max);
      pattern[o + u] = e;
      sum += e;
    }
    for (let u = 0; u <= t; u++) pattern[o + u] /= sum;
    for (let u = t + 1; u < T; u++) pattern[o + u] = 0;
  }
  const zh = await k.batchedMatmul(pattern, vh, BH, { m: T, k: T, n: dh });
  return { z: scatterHeads(k, zh, s, H), pattern };
}

/** Gradients of q, k, v given dz: dv = pᵀ·dz; dp = dz·vᵀ; ds = p⊙(dp − Σ p⊙dp)·scale; dq = ds·k; dk = dsᵀ·q. */
export async function attentionBackward(
  k: Kernels, dz: FloatArray, q: FloatArray, key: FloatArray, v: FloatArray, pattern: FloatArray, s: AttentionShape,
): Promise<{ dq: FloatArray; dk: FloatArray; dv: FloatArray }> {
  const { batch, seq: T, nHeads: H, nKvHeads: K, dHead: dh } = s;
  const BH = batch * H;
  const scale = 1 / Math.sqrt(dh);
  const qh = gatherHeads(k, q, s, H);
  const kh = gatherHeads(k, key, s, K);
  const vh = gatherHeads(k, v, s, K);
  const dzh = gatherHeads(k, dz, s, H);
  const [dp, dvh] = await Promise.all([
    k.batchedMatmul(dzh, vh, BH, { m: T, k: dh, n: T, transB: true }),
    k.batchedMatmul(pattern, dzh, BH, { m: T, k: T, n: dh, transA: true }),
  ]);
  for (let r = 0; r < BH * T; r++) {
    const t = r % T;
    const o = r * T;
    let pdp = 0;
    for (let u = 0; u <= t; u++) pdp += pattern[o + u] * dp[o + u];
    for (let u = 0; u <= t; u++) dp[o + u] = pattern[o + u] * (dp[o + u] - pdp) * scale;
    for (let u = t + 1; u < T; u++) dp[o + u] = 0;
  }
  const [dqh, dkh] = await Promise.all([
    k.batchedMatmul(dp, kh, BH, { m: T, k: T, n: dh }),
    k.batchedMatmul(dp, qh, BH, { m: T, k: T, n: dh, transA: true }),
  ]);
  return { dq: scatterHeads(k, dqh, s, H), dk: scatterHeads(k, dkh, s, K), dv: scatterHeads(k, dvh, s, K) };
}
