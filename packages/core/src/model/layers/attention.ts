/**
 * Multi-head (and grouped-query) causal self-attention with TransformerLens hooks:
 * hook_q/k/v [batch, seq, heads, dHead] (k and v have nKvHeads heads), hook_rot_q/k after rotary,
 * hook_attn_scores and hook_pattern [batch, heads, query, key], hook_z [batch, seq, heads, dHead],
 * then hook_attn_out [batch, seq, dModel] (emitted by the block).
 */
import { applyRotary, softmax } from '../../tensor/ops.js';
import { tensor, type Float32Tensor, type Int32Tensor } from '../../tensor/tensor.js';
import { concatBiases, fuseHeadWeights } from '../derived-weights.js';
import type { BlockSlot, LayerContext } from './context.js';
import { applyNorm } from './norm.js';
import { appendKv, type KvEntry } from '../kv-cache.js';
import { attendSmall, SMALL_ROWS } from '../../backend/small-kernels.js';

export type { KvEntry } from '../kv-cache.js';

export interface AttentionInput {
  x: Float32Tensor;
  positions: Int32Tensor;
  /** Additive mask [batch, 1, seq, past + seq]. */
  mask: Float32Tensor;
  kv: KvEntry | null;
}

/** Copies heads [B, T, Hsrc, dh] into [B, Hdst, T, dh], repeating each source head `Hdst / Hsrc` times. */
function headsFirst(x: Float32Tensor, repeat: number): Float32Tensor {
  const [B, T, Hs, D] = x.shape;
  const Hd = Hs * repeat;
  const out = new Float32Array(B * Hd * T * D);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let h = 0; h < Hd; h++) {
        const src = ((b * T + t) * Hs + Math.floor(h / repeat)) * D;
        out.set(x.data.subarray(src, src + D), ((b * Hd + h) * T + t) * D);
      }
  return tensor([B, Hd, T, D], out);
}

/** [B, H, T, dh] -> [B, T, H, dh]. */
function seqFirst(x: Float32Tensor): Float32Tensor {
  const [B, H, T, D] = x.shape;
  const out = new Float32Array(x.data.length);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) {
        const src = ((b * H + h) * T + t) * D;
        out.set(x.data.subarray(src, src + D), ((b * T + t) * H + h) * D);
      }
  return tensor([B, T, H, D], out);
}

/** Splits [B, T, (H + 2K) dh] into q [B,T,H,dh], k and v [B,T,K,dh]. */
function splitQkv(qkv: Float32Tensor, B: number, T: number, H: number, K: number, D: number): Float32Tensor[] {
  const width = (H + 2 * K) * D;
  const q = new Float32Array(B * T * H * D);
  const k = new Float32Array(B * T * K * D);
  const v = new Float32Array(B * T * K * D);
  for (let r = 0; r < B * T; r++) {
    const o = r * width;
    q.set(qkv.data.subarray(o, o + H * D), r * H * D);
    k.set(qkv.data.subarray(o + H * D, o + (H + K) * D), r * K * D);
    v.set(qkv.data.subarray(o + (H + K) * D, o + width), r * K * D);
  }
  return [tensor([B, T, H, D], q), tensor([B, T, K, D], k), tensor([B, T, K, D], v)];
}

/** Per-head copies of the residual entering the block (the opt-in `hook_q_input`, `hook_k_input`, `hook_v_input`). */
export interface SplitQkvInput {
  residPre: Float32Tensor;
  q: Float32Tensor;
  k: Float32Tensor;
  v: Float32Tensor;
}

/** [B, T, d] -> [B, T, H, d]: one copy of each row per head. */
export function repeatHeads(x: Float32Tensor, H: number): Float32Tensor {
  const [B, T, d] = x.shape;
  const out = new Float32Array(B * T * H * d);
  for (let r = 0; r < B * T; r++) {
    const row = x.data.subarray(r * d, (r + 1) * d);
    for (let h = 0; h < H; h++) out.set(row, (r * H + h) * d);
  }
  return tensor([B, T, H, d], out);
}

/** Heads whose per-head input differs from the shared residual (so they need their own ln1 and projection). */
function editedHeads(perHead: Float32Tensor, residPre: Float32Tensor): number[] {
  const [B, T, H, d] = perHead.shape;
  const edited: number[] = [];
  for (let h = 0; h < H; h++) {
    let same = true;
    for (let r = 0; r < B * T && same; r++) {
      const a = (r * H + h) * d, b = r * d;
      for (let j = 0; j < d; j++) if (perHead.data[a + j] !== residPre.data[b + j]) { same = false; break; }
    }
    if (!same) edited.push(h);
  }
  return edited;
}

/**
 * Recomputes the projection of the heads whose per-head input was edited: ln1 of that head's own input
 * (its scale recomputed, as TransformerLens does with split inputs) times that head's weights, written
 * into `out` [B, T, H, dh].
 */
async function projectEditedHeads(
  ctx: LayerContext,
  layer: number,
  perHead: Float32Tensor,
  residPre: Float32Tensor,
  W: Float32Tensor,
  bias: Float32Tensor | undefined,
  out: Float32Tensor,
): Promise<void> {
  const [B, T, H, d] = perHead.shape;
  const D = W.shape[2];
  for (const h of editedHeads(perHead, residPre)) {
    const rows = new Float32Array(B * T * d);
    for (let r = 0; r < B * T; r++) rows.set(perHead.data.subarray((r * H + h) * d, (r * H + h + 1) * d), r * d);
    const xn = applyNorm(ctx, tensor([B, T, d], rows), 'ln1', layer);
    const w = tensor([d, D], W.data.subarray(h * d * D, (h + 1) * d * D));
    const b = bias ? tensor([D], bias.data.subarray(h * D, (h + 1) * D)) : undefined;
    const y = await ctx.backend.linear(xn, w, b);
    for (let r = 0; r < B * T; r++) out.data.set(y.data.subarray(r * D, (r + 1) * D), (r * H + h) * D);
  }
}

/** Each head's output z_h W_O[h], [B, T, H, dModel] (the opt-in `hook_result`). */
async function headResults(ctx: LayerContext, z: Float32Tensor, WO: Float32Tensor): Promise<Float32Tensor> {
  const [B, T, H, D] = z.shape;
  const dM = WO.shape[2];
  const zHeads = headsFirst(z, 1);
  const out = new Float32Array(B * T * H * dM);
  for (let b = 0; b < B; b++) {
    const zb = tensor([H, T, D], zHeads.data.subarray(b * H * T * D, (b + 1) * H * T * D));
    const r = await ctx.backend.matmul(zb, WO);
    for (let h = 0; h < H; h++)
      for (let t = 0; t < T; t++) out.set(r.data.subarray((h * T + t) * dM, (h * T + t + 1) * dM), ((b * T + t) * H + h) * dM);
  }
  return tensor([B, T, H, dM], out);
}

/** attn_out = sum over heads of the results, plus b_O. */
function sumHeads(result: Float32Tensor, bO: Float32Tensor | undefined): Float32Tensor {
  const [B, T, H, dM] = result.shape;
  const out = new Float32Array(B * T * dM);
  for (let r = 0; r < B * T; r++) {
    const o = r * dM;
    if (bO) out.set(bO.data, o);
    for (let h = 0; h < H; h++) {
      const s = (r * H + h) * dM;
      for (let j = 0; j < dM; j++) out[o + j] += result.data[s + j];
    }
  }
  return tensor([B, T, dM], out);
}

/** Attention through the full pattern [B, H, T, S] (hookable scores and pattern), on the backend's kernels; z is [B, T, H, dh]. */
async function patternAttention(
  ctx: LayerContext,
  q: Float32Tensor,
  kAll: Float32Tensor,
  vAll: Float32Tensor,
  mask: Float32Tensor,
  wantScores: boolean,
  p: string,
  at: BlockSlot,
): Promise<Float32Tensor> {
  const { cfg, backend, hooks } = ctx;
  const H = cfg.nHeads, K = cfg.nKvHeads, D = cfg.dHead;
  const r = await backend.attentionPattern(headsFirst(q, 1), headsFirst(kAll, H / K), mask, 1 / Math.sqrt(D), wantScores);
  let pattern = r.pattern;
  if (r.scores) {
    const scores = await hooks.point(p + 'hook_attn_scores', r.scores, at);
    if (scores !== r.scores) pattern = softmax(scores);
  }
  pattern = await hooks.point(p + 'hook_pattern', pattern, at);
  return seqFirst(await backend.matmul(pattern, headsFirst(vAll, H / K)));
}

export async function attention(
  ctx: LayerContext,
  input: AttentionInput,
  at: BlockSlot,
  split: SplitQkvInput | null,
): Promise<{ out: Float32Tensor; kv: KvEntry }> {
  const { cfg, backend, hooks } = ctx;
  const { x, positions, mask } = input;
  const [B, T] = x.shape;
  const H = cfg.nHeads, K = cfg.nKvHeads, D = cfg.dHead;
  const w = `blocks.${at.layer}.attn.`;
  const p = `blocks.${at.slot}.attn.`;

  const WQ = ctx.weight(w + 'W_Q'), WK = ctx.weight(w + 'W_K'), WV = ctx.weight(w + 'W_V');
  const wqkv = ctx.derived.get(`${at.layer}.qkv`, [WQ, WK, WV], () => fuseHeadWeights([WQ, WK, WV]));
  let bqkv: Float32Tensor | undefined;
  if (cfg.attnBias) {
    const bQ = ctx.weight(w + 'b_Q'), bK = ctx.weight(w + 'b_K'), bV = ctx.weight(w + 'b_V');
    bqkv = ctx.derived.get(`${at.layer}.bqkv`, [bQ, bK, bV], () => concatBiases([bQ, bK, bV]));
  }
  const qkv = await backend.linear(x, wqkv, bqkv);
  let [q, k, v] = splitQkv(qkv, B, T, H, K, D);
  if (split) {
    const bias = (n: string) => (cfg.attnBias ? ctx.weight(w + n) : undefined);
    await projectEditedHeads(ctx, at.layer, split.q, split.residPre, WQ, bias('b_Q'), q);
    await projectEditedHeads(ctx, at.layer, split.k, split.residPre, WK, bias('b_K'), k);
    await projectEditedHeads(ctx, at.layer, split.v, split.residPre, WV, bias('b_V'), v);
  }
  q = await hooks.point(p + 'hook_q', q, at);
  k = await hooks.point(p + 'hook_k', k, at);
  v = await hooks.point(p + 'hook_v', v, at);
  if (cfg.positional === 'rotary') {
    q = await hooks.point(p + 'hook_rot_q', applyRotary(q, positions, cfg.rotaryDim, cfg.rotaryBase, cfg.rotaryStyle), at);
    k = await hooks.point(p + 'hook_rot_k', applyRotary(k, positions, cfg.rotaryDim, cfg.rotaryBase, cfg.rotaryStyle), at);
  }
  const kv = appendKv(input.kv, k, v);
  const kAll = kv.k, vAll = kv.v;

  const wantScores = hooks.wants(p + 'hook_attn_scores');
  const zRaw = !wantScores && !hooks.wants(p + 'hook_pattern') && B * T <= SMALL_ROWS
    ? attendSmall(q, kAll, vAll, mask, 1 / Math.sqrt(D)) // a decoding step: straight from the cache, no pattern, no head transposes
    : await patternAttention(ctx, q, kAll, vAll, mask, wantScores, p, at);
  const z = await hooks.point(p + 'hook_z', zRaw, at);
  const WO = ctx.weight(w + 'W_O');
  const bO = ctx.optionalWeight(w + 'b_O');
  if (hooks.optIn.has('attnResult')) {
    const result = await hooks.point(p + 'hook_result', await headResults(ctx, z, WO), at);
    return { out: sumHeads(result, bO), kv };
  }
  const out = await backend.linear(tensor([B, T, H * D], z.data), tensor([H * D, cfg.dModel], WO.data), bO);
  return { out, kv };
}
