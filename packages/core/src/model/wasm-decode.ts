/**
 * A decoding step (one token of one sequence) through a whole block in one WebAssembly call, with the
 * block's keys and values kept in the module's memory: the fast path of `generate` on small models,
 * for blocks that no hook or cache looks into. It computes what `layers/block.ts` computes (norms,
 * projections, rotary, grouped-query attention, MLP, residual adds) with float32 arithmetic.
 */
import { isSmallProduct, transposed } from '../backend/small-kernels.js';
import { ACTIVATIONS, wasmKernels, type WasmKernels } from '../backend/wasm/wasm-kernels.js';
import { rotaryAngle, rotaryInverseFrequencies } from '../tensor/ops.js';
import { tensor, type Float32Tensor, type Int32Tensor } from '../tensor/tensor.js';
import { HOOK_POINTS } from './hook-points.js';
import type { KvEntry } from './kv-cache.js';
import type { BlockSlot, LayerContext } from './layers/context.js';
import { concatBiases, fuseHeadWeights } from './derived-weights.js';

const BLOCK_SUFFIXES = HOOK_POINTS.filter((s) => s.scope === 'block').map((s) => s.suffix);

/** Keys and values of one slot in the module's memory, [capacity, Kh, D] each, `length` positions filled. */
interface WasmKv {
  kernels: WasmKernels;
  k: number;
  v: number;
  floats: number;
  length: number;
}

const wasmKvOf = new WeakMap<KvEntry, WasmKv>();

/** Whether this step of `slot` can run as one WebAssembly call. */
export function canDecodeInWasm(ctx: LayerContext, slot: number, batch: number, seq: number): boolean {
  if (batch !== 1 || seq !== 1 || !ctx.fused || ctx.hooks.optIn.size > 0 || !wasmKernels()) return false;
  const { dModel, dMlp, nHeads, nKvHeads, dHead } = ctx.cfg;
  if (!isSmallProduct(1, dModel, Math.max(dMlp, (nHeads + 2 * nKvHeads) * dHead))) return false;
  const p = `blocks.${slot}.`;
  return !BLOCK_SUFFIXES.some((s) => ctx.hooks.wants(p + s));
}

/** An entry whose keys and values live in the module's memory; `k` and `v` read them out when asked. */
function wasmEntry(kv: WasmKv, K: number, D: number): KvEntry {
  const entry = {} as KvEntry;
  const read = (offset: number) => tensor([1, kv.length, K, D], kv.kernels.view(offset, kv.length * K * D).slice());
  Object.defineProperties(entry, {
    k: { get: () => read(kv.k), enumerable: true },
    v: { get: () => read(kv.v), enumerable: true },
  });
  wasmKvOf.set(entry, kv);
  return entry;
}

/** Frees the module memory of the entries' keys and values (at the end of a generation). */
export function releaseWasmKv(entries: readonly (KvEntry | null)[]): void {
  for (const e of entries) {
    const kv = e && wasmKvOf.get(e);
    if (kv) {
      kv.kernels.release(kv.k, kv.floats);
      kv.kernels.release(kv.v, kv.floats);
      wasmKvOf.delete(e);
    }
  }
}

/** cos and sin of the rotary angles at one position, computed as applyRotary does. */
function rotaryAt(base: number, rotaryDim: number, pos: number): { cos: Float32Array; sin: Float32Array } {
  const invFreq = rotaryInverseFrequencies(rotaryDim, base);
  const cos = new Float32Array(invFreq.length), sin = new Float32Array(invFreq.length);
  for (let i = 0; i < invFreq.length; i++) {
    const ang = rotaryAngle(pos, invFreq[i]);
    cos[i] = Math.cos(ang);
    sin[i] = Math.sin(ang);
  }
  return { cos, sin };
}

export function wasmDecodeBlock(
  ctx: LayerContext,
  resid: Float32Tensor,
  positions: Int32Tensor,
  mask: Float32Tensor,
  past: KvEntry | null,
  at: BlockSlot,
): { resid: Float32Tensor; kv: KvEntry } | null {
  const wasm = wasmKernels()!;
  const { cfg } = ctx;
  const H = cfg.nHeads, K = cfg.nKvHeads, D = cfg.dHead, d = cfg.dModel, F = cfg.dMlp;
  const w = (n: string) => ctx.weight(`blocks.${at.layer}.${n}`);
  const ow = (n: string) => ctx.optionalWeight(`blocks.${at.layer}.${n}`);
  const place = (t: Float32Tensor | undefined, prepare?: () => Float32Array): number | null => (t ? wasm.weightOffset(t.data, prepare ?? (() => t.data)) : 0);
  const T2 = (t: Float32Tensor, rows: number, cols: number) => () => transposed({ dtype: 'float32', shape: [rows, cols], data: t.data });
  const WQ = w('attn.W_Q'), WK = w('attn.W_K'), WV = w('attn.W_V');
  const wqkv = ctx.derived.get(`${at.layer}.qkv`, [WQ, WK, WV], () => fuseHeadWeights([WQ, WK, WV]));
  const bqkv = cfg.attnBias ? ctx.derived.get(`${at.layer}.bqkv`, [w('attn.b_Q'), w('attn.b_K'), w('attn.b_V')], () => concatBiases([w('attn.b_Q'), w('attn.b_K'), w('attn.b_V')])) : undefined;
  const layerNorm = cfg.normType === 'layernorm';
  const qkvw = (H + 2 * K) * D;
  const offsets = [
    place(w('ln1.w')), place(layerNorm ? ow('ln1.b') : undefined),
    place(wqkv, T2(wqkv, d, qkvw)), place(bqkv),
    place(w('attn.W_O'), T2(w('attn.W_O'), H * D, d)), place(ow('attn.b_O')),
    place(w('ln2.w')), place(layerNorm ? ow('ln2.b') : undefined),
    place(w('mlp.W_in'), T2(w('mlp.W_in'), d, F)), place(ow('mlp.b_in')),
    place(cfg.gatedMlp ? w('mlp.W_gate') : undefined, cfg.gatedMlp ? T2(w('mlp.W_gate'), d, F) : undefined),
    place(w('mlp.W_out'), T2(w('mlp.W_out'), F, d)), place(ow('mlp.b_out')),
  ];
  if (offsets.some((o) => o === null)) return null; // the module's weight memory is full: the caller falls back
  // Keys and values: the module's own buffers, filled from a JavaScript entry on the first step.
  let kv = past ? wasmKvOf.get(past) : undefined;
  if (!kv) {
    const pastLength = past ? past.k.shape[1] : 0;
    const floats = cfg.nCtx * K * D;
    kv = { kernels: wasm, k: wasm.buffer(floats), v: wasm.buffer(floats), floats, length: 0 };
    if (past) {
      wasm.view(kv.k, pastLength * K * D).set(past.k.data);
      wasm.view(kv.v, pastLength * K * D).set(past.v.data);
      kv.length = pastLength;
    }
  }
  const S = kv.length + 1;
  const out = wasm.decodeBlock({
    ints: [d, H, K, D, F, layerNorm ? 1 : 0, cfg.gatedMlp ? 1 : 0, cfg.parallelAttnMlp ? 1 : 0, ACTIVATIONS.indexOf(cfg.act), cfg.positional === 'rotary' ? (cfg.rotaryStyle === 'interleaved' ? 2 : 1) : 0, cfg.rotaryDim, kv.length],
    weights: offsets as number[],
    k: kv.k,
    v: kv.v,
    x: resid.data,
    rot: cfg.positional === 'rotary' ? rotaryAt(cfg.rotaryBase, cfg.rotaryDim, positions.data[0]) : null,
    mask: mask.data,
    eps: cfg.normEps,
    scratchFloats: d + qkvw + H * D + 3 * d + 2 * F + S + 16,
  });
  const next: WasmKv = { ...kv, length: S };
  if (past) wasmKvOf.delete(past);
  return { resid: tensor(resid.shape, out), kv: wasmEntry(next, K, D) };
}
