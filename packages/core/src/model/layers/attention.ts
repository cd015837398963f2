/**
 * Multi-head (and grouped-query) causal self-attention with TransformerLens hooks:
 * hook_q/k/v [batch, seq, heads, dHead] (k and v have nKvHeads heads), hook_rot_q/k after rotary,
 * hook_attn_scores and hook_pattern [batch, heads, query, key], hook_z [batch, seq, heads, dHead],
 * then hook_attn_out [batch, seq, dModel] (emitted by the block).
 */
import { applyRotary, softmax } from '../../tensor/ops.js';
import { tensor, type Float32Tensor, type Int32Tensor } from '../../tensor/tensor.js';
import { concatBiases, fuseHeadWeights } from '../derived-weights.js';
import type { BlockPosition, LayerContext } from './context.js';

/** Keys and values of earlier positions for incremental decoding, per schedule position. */
export interface KvEntry {
  /** [batch, past, nKvHeads, dHead], after rotary. */
  k: Float32Tensor;
  v: Float32Tensor;
}

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

/** Concatenates [B, S1, K, D] and [B, S2, K, D] along the sequence axis. */
function concatSeq(a: Float32Tensor, b: Float32Tensor): Float32Tensor {
  const [B, S1, K, D] = a.shape;
  const S2 = b.shape[1];
  const row = K * D;
  const out = new Float32Array(B * (S1 + S2) * row);
  for (let i = 0; i < B; i++) {
    out.set(a.data.subarray(i * S1 * row, (i + 1) * S1 * row), i * (S1 + S2) * row);
    out.set(b.data.subarray(i * S2 * row, (i + 1) * S2 * row), (i * (S1 + S2) + S1) * row);
  }
  return tensor([B, S1 + S2, K, D], out);
}

export async function attention(
  ctx: LayerContext,
  input: AttentionInput,
  at: BlockPosition,
): Promise<{ out: Float32Tensor; kv: KvEntry }> {
  const { cfg, backend, hooks } = ctx;
  const { x, positions, mask } = input;
  const [B, T] = x.shape;
  const H = cfg.nHeads, K = cfg.nKvHeads, D = cfg.dHead;
  const w = `blocks.${at.layer}.attn.`;
  const p = `blocks.${at.position}.attn.`;
  const hc = { position: at.position, layer: at.layer };

  const WQ = ctx.weight(w + 'W_Q'), WK = ctx.weight(w + 'W_K'), WV = ctx.weight(w + 'W_V');
  const wqkv = ctx.derived.get(`${at.layer}.qkv`, [WQ, WK, WV], () => fuseHeadWeights([WQ, WK, WV]));
  let bqkv: Float32Tensor | undefined;
  if (cfg.attnBias) {
    const bQ = ctx.weight(w + 'b_Q'), bK = ctx.weight(w + 'b_K'), bV = ctx.weight(w + 'b_V');
    bqkv = ctx.derived.get(`${at.layer}.bqkv`, [bQ, bK, bV], () => concatBiases([bQ, bK, bV]));
  }
  const qkv = await backend.linear(x, wqkv, bqkv);
  let [q, k, v] = splitQkv(qkv, B, T, H, K, D);
  q = hooks.point(p + 'hook_q', q, hc);
  k = hooks.point(p + 'hook_k', k, hc);
  v = hooks.point(p + 'hook_v', v, hc);
  if (cfg.positional === 'rotary') {
    q = hooks.point(p + 'hook_rot_q', applyRotary(q, positions, cfg.rotaryDim, cfg.rotaryBase, cfg.rotaryStyle), hc);
    k = hooks.point(p + 'hook_rot_k', applyRotary(k, positions, cfg.rotaryDim, cfg.rotaryBase, cfg.rotaryStyle), hc);
  }
  const kAll = input.kv ? concatSeq(input.kv.k, k) : k;
  const vAll = input.kv ? concatSeq(input.kv.v, v) : v;

  const wantScores = hooks.wants(p + 'hook_attn_scores');
  const r = await backend.attentionPattern(headsFirst(q, 1), headsFirst(kAll, H / K), mask, 1 / Math.sqrt(D), wantScores);
  let pattern = r.pattern;
  if (r.scores) {
    const scores = hooks.point(p + 'hook_attn_scores', r.scores, hc);
    if (scores !== r.scores) pattern = softmax(scores);
  }
  pattern = hooks.point(p + 'hook_pattern', pattern, hc);
  const zHeads = await backend.matmul(pattern, headsFirst(vAll, H / K));
  const z = hooks.point(p + 'hook_z', seqFirst(zHeads), hc);
  const WO = ctx.weight(w + 'W_O');
  const out = await backend.linear(
    tensor([B, T, H * D], z.data),
    tensor([H * D, cfg.dModel], WO.data),
    ctx.optionalWeight(w + 'b_O'),
  );
  return { out, kv: { k: kAll, v: vAll } };
}
