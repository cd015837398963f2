/**
 * Transformer blocks as one ONNX graph: the fast path for blocks that no edit hook touches.
 *
 * The per-kernel path (`layers/block.ts`) calls the backend five or six times per block and moves
 * heads, keys and values between layouts in JavaScript; on small models that per-call overhead and data
 * movement, not arithmetic, is the time. Here ONNX Runtime does whole blocks (norms, projections,
 * rotary, grouped-query attention with the key/value cache, MLP, residual adds; on small models several
 * blocks and the unembedding) in one call. Hook points
 * that something observes or caches become extra graph outputs, so observers and the cache see exactly
 * the values the block used. The maths mirrors `layers/*.ts` line for line.
 */
import type { Float32Tensor } from '../../tensor/tensor.js';
import { OnnxGraph } from '../../backend/onnx-model.js';
import { rotaryAngle, rotaryInverseFrequencies } from '../../tensor/ops.js';
import { appendActivation } from '../../backend/onnx-activation.js';
import type { ModelConfig } from '../config.js';
import { concatBiases, fuseHeadWeights } from '../derived-weights.js';

/** The graph input and output names a caller feeds and fetches. */
export const BLOCK_IO = {
  resid: 'resid',
  mask: 'mask',
  cos: 'cos',
  sin: 'sin',
} as const;

/**
 * A norm, step by step as layers/norm.ts computes it. (ONNX Runtime's single-kernel norms round
 * differently, and the values must not depend on which hook points a run happens to expose.)
 */
function normGraph(g: OnnxGraph, cfg: ModelConfig, x: string, w: Float32Tensor, b: Float32Tensor | undefined, tag: string): { scale: string; normalized: string } {
  const eps = g.scalar(cfg.normEps);
  let centered = x;
  let sq: string;
  if (cfg.normType === 'layernorm') {
    centered = g.node('Sub', [x, g.node('ReduceMean', [x], { axes: [-1], keepdims: 1 })]);
    sq = g.node('ReduceMean', [g.node('Mul', [centered, centered])], { axes: [-1], keepdims: 1 });
  } else {
    sq = g.node('ReduceMean', [g.node('Mul', [x, x])], { axes: [-1], keepdims: 1 });
  }
  const scale = g.node('Sqrt', [g.node('Add', [sq, eps])]);
  let y = g.node('Mul', [g.node('Div', [centered, scale]), g.initializer(`${tag}_w`, w)]);
  if (b) y = g.node('Add', [y, g.initializer(`${tag}_b`, b)]);
  return { scale, normalized: y };
}

/**
 * Rotary as a linear map folded into the weights: rotate(x) = x * C + x R * S, where R is the signed
 * permutation that sends each pair (x0, x1) to (-x1, x0) and C, S hold each column's cos and sin
 * (1 and 0 past rotaryDim). So `x (W R)` is computed by the same projection, with no reshapes or slices.
 */
export function rotaryPartner(cfg: ModelConfig, e: number): { partner: number; sign: number } | null {
  const R = cfg.rotaryDim, half = R / 2;
  if (e >= R) return null;
  if (cfg.rotaryStyle === 'interleaved') return e % 2 === 0 ? { partner: e + 1, sign: -1 } : { partner: e - 1, sign: 1 };
  return e < half ? { partner: e + half, sign: -1 } : { partner: e - half, sign: 1 };
}

/** Columns [q heads | k heads] of `w` [rows, (H + K) dHead] mapped through R (zero past rotaryDim). */
function rotatedColumns(cfg: ModelConfig, w: Float32Tensor, heads: number): Float32Tensor {
  const rows = w.data.length / w.shape[w.shape.length - 1];
  const cols = heads * cfg.dHead;
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    const head = Math.floor(c / cfg.dHead), e = c % cfg.dHead;
    const p = rotaryPartner(cfg, e);
    if (!p) continue;
    const src = head * cfg.dHead + p.partner;
    for (let r = 0; r < rows; r++) out[r * cols + c] = p.sign * w.data[r * w.shape[w.shape.length - 1] + src];
  }
  return { dtype: 'float32', shape: rows === 1 && w.shape.length === 1 ? [cols] : [rows, cols], data: out };
}

/** Columns start..end-1 of a [rows, n] (or [n]) tensor. */
function sliceColumns(t: Float32Tensor, start: number, end: number): Float32Tensor {
  const n = t.shape[t.shape.length - 1];
  const rows = t.data.length / n;
  const out = new Float32Array(rows * (end - start));
  for (let r = 0; r < rows; r++) out.set(t.data.subarray(r * n + start, r * n + end), r * (end - start));
  return { dtype: 'float32', shape: t.shape.length === 1 ? [end - start] : [rows, end - start], data: out };
}

/** [a | b] along the last axis. */
function concatColumns(a: Float32Tensor, b: Float32Tensor): Float32Tensor {
  const na = a.shape[a.shape.length - 1], nb = b.shape[b.shape.length - 1];
  const rows = a.data.length / na;
  const out = new Float32Array(rows * (na + nb));
  for (let r = 0; r < rows; r++) {
    out.set(a.data.subarray(r * na, (r + 1) * na), r * (na + nb));
    out.set(b.data.subarray(r * nb, (r + 1) * nb), r * (na + nb) + na);
  }
  return { dtype: 'float32', shape: a.shape.length === 1 ? [na + nb] : [rows, na + nb], data: out };
}

/** [B, S, K, D] -> [B, H, S, D], each key/value head repeated H/K times (query head h reads kv head floor(h / (H/K))). */
function expandKv(g: OnnxGraph, t: string, H: number, K: number, D: number): string {
  const headsFirst = g.node('Transpose', [t], { perm: [0, 2, 1, 3] });
  if (H === K) return headsFirst;
  const five = g.node('Unsqueeze', [headsFirst, g.int64s([2])]);
  const expanded = g.node('Expand', [five, g.int64s([1, 1, H / K, 1, 1])]);
  return g.node('Reshape', [expanded, g.int64s([0, H, -1, D])]);
}

/** What one block of a segment reads and where its outputs go. */
interface BlockIo {
  /** Schedule slot (names the block's hook outputs) and the block whose weights run there. */
  slot: number;
  layer: number;
  /** The residual entering the block (a graph value name). */
  resid: string;
  /** Whether keys and values of earlier positions are fed in. */
  hasPast: boolean;
  /** Whether this block's keys and values (past included) become outputs. */
  keepKv: boolean;
  /** Block hook-point suffixes to expose as outputs. */
  outputs: ReadonlySet<string>;
}

export interface SegmentGraphOptions {
  cfg: ModelConfig;
  weight: (name: string) => Float32Tensor;
  optionalWeight: (name: string) => Float32Tensor | undefined;
  /** The blocks, in execution order. */
  blocks: readonly { slot: number; layer: number; outputs: ReadonlySet<string> }[];
  hasPast: boolean;
  keepKv: boolean;
  /** Append the final norm (exposing the given ln_final suffixes) and, when `logits`, the unembedding. */
  final: { outputs: ReadonlySet<string>; logits: boolean; lastOnly: boolean } | null;
}

/** Graph names of a segment's per-block inputs and outputs. */
export const segmentNames = {
  pastK: (slot: number) => `past_k_${slot}`,
  pastV: (slot: number) => `past_v_${slot}`,
  newK: (slot: number) => `new_k_${slot}`,
  newV: (slot: number) => `new_v_${slot}`,
  hook: (name: string) => `hook__${name.replace(/\./g, '__')}`,
  residOut: 'resid_out',
  logits: 'logits',
};

function appendBlock(g: OnnxGraph, cfg: ModelConfig, o: SegmentGraphOptions, io: BlockIo, expose: (name: string, value: string) => void): string {
  const { layer, slot } = io;
  const H = cfg.nHeads, K = cfg.nKvHeads, D = cfg.dHead, d = cfg.dModel;
  const w = (n: string) => o.weight(`blocks.${layer}.${n}`);
  const ow = (n: string) => o.optionalWeight(`blocks.${layer}.${n}`);
  const tag = `s${slot}`;
  const mark = (suffix: string, value: string) => {
    if (io.outputs.has(suffix)) expose(`blocks.${slot}.${suffix}`, value);
  };
  const residPre = io.resid;
  mark('hook_resid_pre', residPre);

  // Attention.
  const ln1 = normGraph(g, cfg, residPre, w('ln1.w'), cfg.normType === 'layernorm' ? ow('ln1.b') : undefined, `${tag}_ln1`);
  mark('ln1.hook_scale', ln1.scale);
  mark('ln1.hook_normalized', ln1.normalized);
  const WQ = w('attn.W_Q'), WK = w('attn.W_K'), WV = w('attn.W_V');
  const rotary = cfg.positional === 'rotary';
  let wqkv = fuseHeadWeights([WQ, WK, WV]);
  let bqkv = cfg.attnBias ? concatBiases([w('attn.b_Q'), w('attn.b_K'), w('attn.b_V')]) : undefined;
  const width = (H + 2 * K) * D;
  if (rotary) {
    // [q | k | v | R q | R k]: the rotated copies come from the same projection.
    const qk = (t: Float32Tensor) => sliceColumns(t, 0, (H + K) * D);
    wqkv = concatColumns(wqkv, rotatedColumns(cfg, qk(wqkv), H + K));
    if (bqkv) bqkv = concatColumns(bqkv, rotatedColumns(cfg, qk(bqkv), H + K));
  }
  let qkv = g.node('MatMul', [ln1.normalized, g.initializer(`${tag}_w_qkv`, wqkv)]);
  if (bqkv) qkv = g.node('Add', [qkv, g.initializer(`${tag}_b_qkv`, bqkv)]);
  const slice = (t: string, start: number, end: number) => g.node('Slice', [t, g.int64s([start]), g.int64s([end]), g.int64s([2])]);
  const heads = (t: string, n: number) => g.node('Reshape', [t, g.int64s([0, 0, n, D])]);
  const wantPre = (sfx: string) => io.outputs.has(sfx);
  let q: string, k: string;
  const v = heads(slice(qkv, (H + K) * D, width), K);
  if (rotary) {
    if (wantPre('attn.hook_q')) mark('attn.hook_q', heads(slice(qkv, 0, H * D), H));
    if (wantPre('attn.hook_k')) mark('attn.hook_k', heads(slice(qkv, H * D, (H + K) * D), K));
    mark('attn.hook_v', v);
    const qkRot = g.node('Add', [
      g.node('Mul', [slice(qkv, 0, (H + K) * D), BLOCK_IO.cos]),
      g.node('Mul', [slice(qkv, width, width + (H + K) * D), BLOCK_IO.sin]),
    ]);
    q = heads(slice(qkRot, 0, H * D), H);
    k = heads(slice(qkRot, H * D, (H + K) * D), K);
    mark('attn.hook_rot_q', q);
    mark('attn.hook_rot_k', k);
  } else {
    q = heads(slice(qkv, 0, H * D), H);
    k = heads(slice(qkv, H * D, (H + K) * D), K);
    mark('attn.hook_q', q);
    mark('attn.hook_k', k);
    mark('attn.hook_v', v);
  }
  const n = segmentNames;
  const kAll = io.hasPast ? g.node('Concat', [n.pastK(slot), k], { axis: 1 }) : k;
  const vAll = io.hasPast ? g.node('Concat', [n.pastV(slot), v], { axis: 1 }) : v;
  if (io.keepKv) {
    // Only this chunk's keys and values leave the graph; the caller appends them to its cache in place.
    g.node('Identity', [k], {}, n.newK(slot));
    g.node('Identity', [v], {}, n.newV(slot));
    g.output(n.newK(slot));
    g.output(n.newV(slot));
  }
  const qHeads = g.node('Transpose', [q], { perm: [0, 2, 1, 3] });
  const kT = g.node('Transpose', [expandKv(g, kAll, H, K, D)], { perm: [0, 1, 3, 2] });
  const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [qHeads, kT]), g.scalar(1 / Math.sqrt(D))]), BLOCK_IO.mask]);
  mark('attn.hook_attn_scores', scores);
  const pattern = g.node('Softmax', [scores], { axis: -1 });
  mark('attn.hook_pattern', pattern);
  const z = g.node('Transpose', [g.node('MatMul', [pattern, expandKv(g, vAll, H, K, D)])], { perm: [0, 2, 1, 3] });
  mark('attn.hook_z', z);
  let attnOut = g.node('MatMul', [g.node('Reshape', [z, g.int64s([0, 0, H * D])]), g.initializer(`${tag}_w_o`, { shape: [H * D, d], data: w('attn.W_O').data })]);
  const bO = ow('attn.b_O');
  if (bO) attnOut = g.node('Add', [attnOut, g.initializer(`${tag}_b_o`, bO)]);
  mark('hook_attn_out', attnOut);

  // MLP.
  let mlpIn: string = residPre;
  let residMid: string | null = null;
  if (!cfg.parallelAttnMlp) {
    residMid = g.node('Add', [residPre, attnOut]);
    mark('hook_resid_mid', residMid);
    mlpIn = residMid;
  }
  const ln2 = normGraph(g, cfg, mlpIn, w('ln2.w'), cfg.normType === 'layernorm' ? ow('ln2.b') : undefined, `${tag}_ln2`);
  mark('ln2.hook_scale', ln2.scale);
  mark('ln2.hook_normalized', ln2.normalized);
  let lin = g.node('MatMul', [ln2.normalized, g.initializer(`${tag}_w_in`, w('mlp.W_in'))]);
  const bIn = ow('mlp.b_in');
  if (bIn) lin = g.node('Add', [lin, g.initializer(`${tag}_b_in`, bIn)]);
  let post: string;
  if (cfg.gatedMlp) {
    const pre = g.node('MatMul', [ln2.normalized, g.initializer(`${tag}_w_gate`, w('mlp.W_gate'))]);
    mark('mlp.hook_pre', pre);
    mark('mlp.hook_pre_linear', lin);
    post = g.node('Mul', [appendActivation(g, pre, cfg.act), lin]);
  } else {
    mark('mlp.hook_pre', lin);
    post = appendActivation(g, lin, cfg.act);
  }
  mark('mlp.hook_post', post);
  let mlpOut = g.node('MatMul', [post, g.initializer(`${tag}_w_out`, w('mlp.W_out'))]);
  const bOut = ow('mlp.b_out');
  if (bOut) mlpOut = g.node('Add', [mlpOut, g.initializer(`${tag}_b_out`, bOut)]);
  mark('hook_mlp_out', mlpOut);
  const residPost = cfg.parallelAttnMlp
    ? g.node('Add', [g.node('Add', [residPre, attnOut]), mlpOut])
    : g.node('Add', [residMid!, mlpOut]);
  mark('hook_resid_post', residPost);
  return residPost;
}

/**
 * Consecutive blocks (and optionally the final norm and unembedding) as one graph. Inputs: `resid`,
 * `mask` [B, 1, T, S], rotary `cos`/`sin`, and `past_k_{slot}`/`past_v_{slot}` when `hasPast`.
 * Outputs: `resid_out`, this chunk's `new_k_{slot}`/`new_v_{slot}` when `keepKv`, `logits` when asked, and
 * one `hook__...` output per exposed hook point, listed in execution order in `exposed`.
 */
export function buildSegmentGraph(o: SegmentGraphOptions): { graph: OnnxGraph; exposed: string[] } {
  const { cfg } = o;
  const g = new OnnxGraph();
  g.input(BLOCK_IO.resid, ['b', 't', cfg.dModel]);
  g.input(BLOCK_IO.mask, ['b', 1, 't', 's']);
  if (cfg.positional === 'rotary') {
    g.input(BLOCK_IO.cos, ['b', 't', (cfg.nHeads + cfg.nKvHeads) * cfg.dHead]);
    g.input(BLOCK_IO.sin, ['b', 't', (cfg.nHeads + cfg.nKvHeads) * cfg.dHead]);
  }
  const exposed: string[] = [];
  const expose = (name: string, value: string) => {
    exposed.push(name);
    g.node('Identity', [value], {}, segmentNames.hook(name));
    g.output(segmentNames.hook(name));
  };
  let resid: string = BLOCK_IO.resid;
  for (const b of o.blocks) {
    if (o.hasPast) {
      g.input(segmentNames.pastK(b.slot), ['b', 'p', cfg.nKvHeads, cfg.dHead]);
      g.input(segmentNames.pastV(b.slot), ['b', 'p', cfg.nKvHeads, cfg.dHead]);
    }
    resid = appendBlock(g, cfg, o, { ...b, resid, hasPast: o.hasPast, keepKv: o.keepKv }, expose);
  }
  g.node('Identity', [resid], {}, segmentNames.residOut);
  g.output(segmentNames.residOut);
  if (o.final) {
    const ln = normGraph(g, cfg, resid, o.weight('ln_final.w'), cfg.normType === 'layernorm' ? o.optionalWeight('ln_final.b') : undefined, 'ln_final');
    if (o.final.outputs.has('ln_final.hook_scale')) expose('ln_final.hook_scale', ln.scale);
    if (o.final.outputs.has('ln_final.hook_normalized')) expose('ln_final.hook_normalized', ln.normalized);
    if (o.final.logits) {
      const x = o.final.lastOnly ? g.node('Slice', [ln.normalized, g.int64s([-1]), g.int64s([2 ** 31 - 1]), g.int64s([1])]) : ln.normalized;
      let logits = g.node('MatMul', [x, g.initializer('w_u', o.weight('unembed.W_U'))]);
      const bU = o.optionalWeight('unembed.b_U');
      if (bU) logits = g.node('Add', [logits, g.initializer('b_u', bU)]);
      g.node('Identity', [logits], {}, segmentNames.logits);
      g.output(segmentNames.logits);
    }
  }
  return { graph: g, exposed };
}

/**
 * cos and sin of the rotary angle of every q and k column at every position, [B, T, (H + K) dHead]
 * (1 and 0 past rotaryDim), with the angles computed as `applyRotary` computes them.
 */
export function rotaryTables(cfg: ModelConfig, positions: { shape: readonly number[]; data: Int32Array }): { cos: Float32Tensor; sin: Float32Tensor } {
  const [B, T] = positions.shape;
  const D = cfg.dHead, half = cfg.rotaryDim / 2;
  const cols = (cfg.nHeads + cfg.nKvHeads) * D;
  const invFreq = rotaryInverseFrequencies(cfg.rotaryDim, cfg.rotaryBase);
  const freqOf = new Int32Array(D).fill(-1);
  for (let e = 0; e < cfg.rotaryDim; e++) freqOf[e] = cfg.rotaryStyle === 'interleaved' ? e >> 1 : e % half;
  const cos = new Float32Array(B * T * cols);
  const sin = new Float32Array(B * T * cols);
  const c1 = new Float64Array(half), s1 = new Float64Array(half);
  for (let r = 0; r < B * T; r++) {
    const pos = positions.data[r];
    for (let i = 0; i < half; i++) {
      const ang = rotaryAngle(pos, invFreq[i]);
      c1[i] = Math.cos(ang);
      s1[i] = Math.sin(ang);
    }
    for (let c = 0; c < cols; c++) {
      const f = freqOf[c % D];
      cos[r * cols + c] = f < 0 ? 1 : c1[f];
      sin[r * cols + c] = f < 0 ? 0 : s1[f];
    }
  }
  return { cos: { dtype: 'float32', shape: [B, T, cols], data: cos }, sin: { dtype: 'float32', shape: [B, T, cols], data: sin } };
}
