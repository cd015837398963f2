/**
 * Scaled dot-product attention with grouped-query heads, a causal mask and a key padding mask (left-padded
 * batches), in three hookable steps:
 *   scores  = q·kᵀ/√dh, masked entries set to MASKED     [batch·H, seq, seq]  (hook_attn_scores)
 *   pattern = softmax(scores) over keys                  [batch·H, seq, seq]  (hook_pattern)
 *   z       = pattern·v                                  [batch·H, seq, dh] → [rows, H·dh] (hook_z)
 * q is [rows, H·dh] and k, v are [rows, K·dh] (rows = batch·seq); query head h reads key/value head
 * ⌊h / (H/K)⌋. Heads are gathered into [batch·H, seq, dh] blocks so the products and their gradients are
 * batched matmuls on the kernels; the softmax and its backward are loops.
 *
 * Masked scores are constants (float32's lowest, as in `run()`): no gradient flows into them, even in a
 * fully masked row (a padding query), whose pattern is uniform.
 */
import { MASKED } from '../../backend/backend.js';
import { expShiftedInto } from '../../tensor/expf.js';
import type { FloatArray, Kernels } from '../kernels.js';

export interface AttentionShape {
  batch: number;
  seq: number;
  nHeads: number;
  nKvHeads: number;
  dHead: number;
}

/** allowed[(b·T + t)·T + s] = 1 when query t of row b may attend key s (s ≤ t and key s is a real token). */
export function attentionAllowed(keyMask: Uint8Array, batch: number, seq: number): Uint8Array {
  const T = seq;
  const allowed = new Uint8Array(batch * T * T);
  for (let b = 0; b < batch; b++)
    for (let t = 0; t < T; t++)
      for (let s = 0; s <= t; s++) if (keyMask[b * T + s]) allowed[(b * T + t) * T + s] = 1;
  return allowed;
}

/** [rows, nSrc·dh] → [batch·H, seq, dh], query head h reading source head ⌊h·nSrc/H⌋. */
export function gatherHeads(k: Kernels, x: FloatArray, s: AttentionShape, nSrc: number): FloatArray {
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
export function scatterHeads(k: Kernels, xh: FloatArray, s: AttentionShape, nDst: number): FloatArray {
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

/** scores = qh·khᵀ/√dh with MASKED where not allowed. */
export async function scoresForward(k: Kernels, qh: FloatArray, kh: FloatArray, allowed: Uint8Array, s: AttentionShape): Promise<FloatArray> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const scale = 1 / Math.sqrt(dh);
  const scores = await k.batchedMatmul(qh, kh, batch * H, { m: T, k: dh, n: T, transB: true });
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) {
        const o = ((b * H + h) * T + t) * T;
        const a = (b * T + t) * T;
        for (let u = 0; u <= t; u++) scores[o + u] = allowed[a + u] ? scores[o + u] * scale : MASKED;
        for (let u = t + 1; u < T; u++) scores[o + u] = MASKED;
      }
  return scores;
}

/**
 * softmax(scoresForward(...)) in one pass per row, for when nothing reads the scores: keys after the
 * query and padding keys get weight 0, and a fully masked row (a padding query) the uniform 1/seq that the
 * softmax of an all-MASKED row gives (as in `run()`). `allowed` null: no padding (the mask is causal only).
 */
export async function causalAttentionPattern(k: Kernels, qh: FloatArray, kh: FloatArray, allowed: Uint8Array | null, s: AttentionShape): Promise<FloatArray> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const scale = 1 / Math.sqrt(dh);
  const p = await k.batchedMatmul(qh, kh, batch * H, { m: T, k: dh, n: T, transB: true });
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) {
        const o = ((b * H + h) * T + t) * T;
        if (!allowed) {
          causalSoftmaxRow(p, o, t + 1, T, scale);
          continue;
        }
        const a = (b * T + t) * T;
        let max = -Infinity;
        for (let u = 0; u <= t; u++) {
          if (!allowed[a + u]) continue;
          const x = p[o + u] * scale;
          p[o + u] = x;
          if (x > max) max = x;
        }
        if (max === -Infinity) {
          for (let u = 0; u < T; u++) p[o + u] = 1 / T;
          continue;
        }
        let sum = 0;
        for (let u = 0; u <= t; u++) {
          const e = allowed[a + u] ? Math.exp(p[o + u] - max) : 0;
          p[o + u] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let u = 0; u <= t; u++) p[o + u] *= inv;
        for (let u = t + 1; u < T; u++) p[o + u] = 0;
      }
  return p;
}

/** Softmax of scale·p[o .. o + n) in place, zeros in p[o + n .. o + T) (a query row without padding keys). */
function causalSoftmaxRow(p: FloatArray, o: number, n: number, T: number, scale: number): void {
  let max = -Infinity;
  for (let u = 0; u < n; u++) {
    const x = p[o + u] * scale;
    p[o + u] = x;
    if (x > max) max = x;
  }
  const inv = 1 / expShiftedInto(p, p, o, o + n, max);
  for (let u = 0; u < n; u++) p[o + u] *= inv;
  p.fill(0, o + n, o + T);
}

/**
 * dqh = dscores·kh/√dh, dkh = dscoresᵀ·qh/√dh (dscores is zero at masked entries). `prescaled`: dscores
 * already carries the 1/√dh factor (softmaxBackward's `scale`), so the products are the result as they are.
 */
export async function scoresBackward(
  k: Kernels, dscores: FloatArray, qh: FloatArray, kh: FloatArray, s: AttentionShape, prescaled = false,
): Promise<{ dqh: FloatArray; dkh: FloatArray }> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const scale = 1 / Math.sqrt(dh);
  const [dqh, dkh] = await Promise.all([
    k.batchedMatmul(dscores, kh, batch * H, { m: T, k: T, n: dh }),
    k.batchedMatmul(dscores, qh, batch * H, { m: T, k: T, n: dh, transA: true }),
  ]);
  if (prescaled) return { dqh, dkh };
  for (let i = 0; i < dqh.length; i++) dqh[i] *= scale;
  for (let i = 0; i < dkh.length; i++) dkh[i] *= scale;
  return { dqh, dkh };
}

/** Row-wise softmax of [rows, n] into `out` (may be `scores`, in place). */
export function softmaxForward(out: FloatArray, scores: FloatArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let max = -Infinity;
    for (let u = 0; u < n; u++) if (scores[o + u] > max) max = scores[o + u];
    const inv = 1 / expShiftedInto(out, scores, o, o + n, max);
    for (let u = 0; u < n; u++) out[o + u] *= inv;
  }
}

/**
 * dscores = p ⊙ (dp − Σ p⊙dp), zero at masked entries (constants). `causal`: the pattern came from
 * `causalAttentionPattern` (nothing after the query has weight, masked keys weigh exactly 0), so only keys
 * 0..t are visited and only fully masked rows (`rowLive` 0) need zeroing. `out` may be `dpattern` (in place).
 * `scale` multiplies the result (the 1/√dh of the scores folded in, so scoresBackward skips it).
 */
export function softmaxBackward(
  out: FloatArray, dpattern: FloatArray, pattern: FloatArray, allowed: Uint8Array, s: AttentionShape, causal: { rowLive: Uint8Array } | null = null,
  scale = 1,
): FloatArray {
  const { batch, seq: T, nHeads: H } = s;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) {
        const o = ((b * H + h) * T + t) * T;
        if (causal) {
          if (!causal.rowLive[b * T + t]) {
            out.fill(0, o, o + T);
            continue;
          }
          let pdp = 0;
          for (let u = 0; u <= t; u++) pdp += pattern[o + u] * dpattern[o + u];
          for (let u = 0; u <= t; u++) out[o + u] = pattern[o + u] * (dpattern[o + u] - pdp) * scale;
          for (let u = t + 1; u < T; u++) out[o + u] = 0;
          continue;
        }
        const a = (b * T + t) * T;
        let pdp = 0;
        for (let u = 0; u < T; u++) pdp += pattern[o + u] * dpattern[o + u];
        for (let u = 0; u < T; u++) out[o + u] = allowed[a + u] ? pattern[o + u] * (dpattern[o + u] - pdp) * scale : 0;
      }
  return out;
}

/** rowLive[b·T + t] = 1 when query t of row b may attend at least one key. */
export function liveRows(allowed: Uint8Array, batch: number, seq: number): Uint8Array {
  const live = new Uint8Array(batch * seq);
  for (let r = 0; r < batch * seq; r++) {
    const a = r * seq;
    for (let u = 0; u < seq; u++) if (allowed[a + u]) { live[r] = 1; break; }
  }
  return live;
}

/** zh = pattern·vh. */
export function mixForward(k: Kernels, pattern: FloatArray, vh: FloatArray, s: AttentionShape): Promise<FloatArray> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  return k.batchedMatmul(pattern, vh, batch * H, { m: T, k: T, n: dh });
}

/** dpattern = dzh·vhᵀ, dvh = patternᵀ·dzh. */
export async function mixBackward(k: Kernels, dzh: FloatArray, pattern: FloatArray, vh: FloatArray, s: AttentionShape): Promise<{ dpattern: FloatArray; dvh: FloatArray }> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const [dpattern, dvh] = await Promise.all([
    k.batchedMatmul(dzh, vh, batch * H, { m: T, k: dh, n: T, transB: true }),
    k.batchedMatmul(pattern, dzh, batch * H, { m: T, k: T, n: dh, transA: true }),
  ]);
  return { dpattern, dvh };
}

/**
 * Each head's output z_h·W_O[h] before the heads are summed (the opt-in `hook_result`):
 * zh [batch·H, seq, dh], W_O [H, dh, dModel] → result [rows, H, dModel].
 */
export async function headResultsForward(k: Kernels, zh: FloatArray, wO: FloatArray, s: AttentionShape, dModel: number): Promise<FloatArray> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const out = k.alloc(batch * T * H * dModel);
  for (let b = 0; b < batch; b++) {
    const r = await k.batchedMatmul(zh.subarray(b * H * T * dh, (b + 1) * H * T * dh), wO, H, { m: T, k: dh, n: dModel });
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) out.set(r.subarray((h * T + t) * dModel, (h * T + t + 1) * dModel), ((b * T + t) * H + h) * dModel);
  }
  return out;
}

/** Backward of headResultsForward: returns dzh and accumulates dW_O (when given). */
export async function headResultsBackward(
  k: Kernels, dresult: FloatArray, zh: FloatArray, wO: FloatArray, dwO: FloatArray | null, s: AttentionShape, dModel: number,
): Promise<FloatArray> {
  const { batch, seq: T, nHeads: H, dHead: dh } = s;
  const dzh = k.alloc(batch * H * T * dh);
  const block = k.alloc(H * T * dModel);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) block.set(dresult.subarray(((b * T + t) * H + h) * dModel, ((b * T + t) * H + h + 1) * dModel), (h * T + t) * dModel);
    const zb = zh.subarray(b * H * T * dh, (b + 1) * H * T * dh);
    const [dz, dw] = await Promise.all([
      k.batchedMatmul(block, wO, H, { m: T, k: dModel, n: dh, transB: true }),
      dwO ? k.batchedMatmul(zb, block, H, { m: dh, k: T, n: dModel, transA: true }) : null,
    ]);
    dzh.set(dz, b * H * T * dh);
    if (dwO && dw) for (let i = 0; i < dw.length; i++) dwO[i] += dw[i];
  }
  return dzh;
}
