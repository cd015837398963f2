/**
 * The differentiable forward of core's hooked transformer, wired from the layer functions in `layers/`
 * on a `Tape`: every step records its backward, every hook point goes through `GradPoints` (same names,
 * shapes and hook semantics as `run()`). Sequential blocks (GPT-2, Llama) and parallel ones (GPT-NeoX),
 * any layer schedule (a repeated block's weight gradients add up over its slots).
 */
import type { ModelConfig } from '../model/config.js';
import type { FloatArray, Kernels } from './kernels.js';
import type { Tape } from './tape.js';
import type { GradPoints, PointPlace } from './points.js';
import { unfuseHeadsInto, type GradWeights } from './weight-layout.js';
import { activationBackward, activationForward, gatedBackward, gatedForward } from './layers/activations.js';
import {
  causalAttentionPattern, gatherHeads, headResultsBackward, headResultsForward, mixBackward, mixForward, scatterHeads, scoresBackward, scoresForward,
  softmaxBackward, softmaxForward, type AttentionShape,
} from './layers/attention.js';
import { embeddingBackward, embeddingForward } from './layers/embedding.js';
import { layernormApplyBackward, layernormApplyForward, layernormBackward, layernormScaleBackward, layernormScaleForward } from './layers/layernorm.js';
import { linearBackward, linearForward } from './layers/linear.js';
import { rmsnormApplyBackward, rmsnormApplyForward, rmsnormBackward, rmsnormScaleBackward, rmsnormScaleForward } from './layers/rmsnorm.js';
import { rotaryApply, type RotaryTables } from './layers/rotary.js';

export interface GradForwardContext {
  cfg: ModelConfig;
  k: Kernels;
  tape: Tape;
  points: GradPoints;
  w: GradWeights;
  /** Gradient buffers (TransformerLens layout) of the weights whose gradient is wanted, by full name. */
  weightGrads: ReadonlyMap<string, FloatArray>;
  batch: number;
  seq: number;
  /** [batch·seq] token ids and position ids. */
  tokens: Int32Array;
  positions: Int32Array;
  /** [batch, seq, seq] 1 where a query may attend a key. */
  allowed: Uint8Array;
  /** Whether any key is padding (false: `allowed` is the causal mask alone). */
  padded: boolean;
  /** `allowed` as an additive mask [batch, 1, seq, seq] (0 or MASKED), for the kernels' fused attention pattern. */
  additiveMask: () => Float32Array;
  /** [batch, seq] 1 where a query may attend at least one key (0: a padding query, whose pattern is uniform). */
  rowLive: Uint8Array;
  rotary: RotaryTables | null;
  /** Whether the opt-in `attn.hook_result` is computed. */
  attnResult: boolean;
}

function wg(ctx: GradForwardContext, name: string): FloatArray | null {
  return ctx.weightGrads.get(name) ?? null;
}

/** out = a + b (+ c), recording the backward (the gradient passes unchanged to each summand). */
function addValues(ctx: GradForwardContext, ...xs: [FloatArray, FloatArray, FloatArray?]): FloatArray {
  const out = ctx.k.alloc(xs[0].length);
  const [a, b, c] = xs;
  if (c) for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i] + c[i];
  else for (let i = 0; i < out.length; i++) out[i] = a[i] + b[i];
  ctx.tape.record(() => {
    const g = ctx.tape.take(out);
    // the first summand may keep the array itself: nothing reads the sum's gradient after this step
    if (g) xs.forEach((x, i) => { if (x) ctx.tape.accumulate(x, g, i === 0); });
  });
  return out;
}

/**
 * A norm (ln1, ln2 or ln_final) with its two hook points `hook_scale` and `hook_normalized`. When nothing
 * reads or hooks `hook_scale`, the scale is a plain function of x and one fused backward step replaces the
 * two (scale, then apply).
 */
async function normForward(ctx: GradForwardContext, x: FloatArray, base: string, weightPrefix: string, at: PointPlace): Promise<FloatArray> {
  const { cfg, k, tape, points } = ctx;
  const d = cfg.dModel;
  const rows = x.length / d;
  const layer = cfg.normType === 'layernorm';
  const scaleName = `${base}.hook_scale`;
  const fused = !points.wanted(scaleName);
  const scale = k.alloc(rows);
  if (layer) layernormScaleForward(scale, x, rows, d, cfg.normEps);
  else rmsnormScaleForward(scale, x, rows, d, cfg.normEps);
  if (!fused) {
    tape.record(() => {
      const ds = tape.take(scale);
      if (!ds) return;
      if (layer) layernormScaleBackward(tape.gradBuffer(x), ds, x, scale, rows, d);
      else rmsnormScaleBackward(tape.gradBuffer(x), ds, x, scale, rows, d);
    });
  }
  const s = await points.point(scaleName, scale, [ctx.batch, ctx.seq, 1], at);
  const w = ctx.w.get(`${weightPrefix}.w`);
  const b = layer ? ctx.w.optional(`${weightPrefix}.b`) : null;
  const y = k.alloc(x.length);
  if (layer) layernormApplyForward(y, x, s, w, b, rows, d);
  else rmsnormApplyForward(y, x, s, w, rows, d);
  const dw = wg(ctx, `${weightPrefix}.w`);
  const db = layer ? wg(ctx, `${weightPrefix}.b`) : null;
  const idx = tape.record(() => {
    const dy = tape.take(y);
    if (!dy) return;
    if (fused) {
      if (layer) layernormBackward(tape.gradBuffer(x), dw, db, dy, x, s, w, rows, d);
      else rmsnormBackward(tape.gradBuffer(x), dw, dy, x, s, w, rows, d);
    } else if (layer) layernormApplyBackward(tape.gradBuffer(x), tape.gradBuffer(s), dw, db, dy, x, s, w, rows, d);
    else rmsnormApplyBackward(tape.gradBuffer(x), tape.gradBuffer(s), dw, dy, x, s, w, rows, d);
  });
  if (dw || db) points.need(idx);
  return points.point(`${base}.hook_normalized`, y, [ctx.batch, ctx.seq, d], at);
}

/** y = x·W + b, recording dx and (when wanted) dW, db. */
async function linearStep(ctx: GradForwardContext, x: FloatArray, w: FloatArray, b: FloatArray | null, nIn: number, nOut: number, dw: FloatArray | null, db: FloatArray | null): Promise<FloatArray> {
  const rows = x.length / nIn;
  const y = await linearForward(ctx.k, x, w, b, rows, nIn, nOut);
  const idx = ctx.tape.record(async () => {
    const dy = ctx.tape.take(y);
    if (!dy) return;
    const dx = await linearBackward(ctx.k, dy, x, w, dw, db, rows, nIn, nOut);
    ctx.tape.accumulate(x, dx!, true);
  });
  if (dw || db) ctx.points.need(idx);
  return y;
}

// The loops of the backward steps live in named functions, not in the closures recorded on the tape: a
// closure is created anew every run, and V8 would compile a hot loop inside it afresh every run.

/** Splits the row-major [rows, Σ widths] `x` into one [rows, width] array per part. */
function splitColumns(x: FloatArray, parts: FloatArray[], rows: number): void {
  const widths = parts.map((p) => p.length / rows);
  const width = widths.reduce((a, w) => a + w, 0);
  for (let r = 0; r < rows; r++) {
    let o = r * width;
    for (let i = 0; i < parts.length; i++) {
      parts[i].set(x.subarray(o, o + widths[i]), r * widths[i]);
      o += widths[i];
    }
  }
}

/** The adjoint of splitColumns: writes each [rows, width] part (null: zeros) side by side into `out`. */
function joinColumns(out: FloatArray, parts: (FloatArray | null)[], widths: number[], rows: number): void {
  const width = widths.reduce((a, w) => a + w, 0);
  for (let r = 0; r < rows; r++) {
    let o = r * width;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p) out.set(p.subarray(r * widths[i], (r + 1) * widths[i]), o);
      o += widths[i];
    }
  }
}

/** Adds consecutive blocks of `x` (sizes `widths`) into `targets` (null ones skipped). */
function addColumnBlocks(x: FloatArray, targets: (FloatArray | null)[], widths: number[]): void {
  let o = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t) for (let j = 0; j < widths[i]; j++) t[j] += x[o + j];
    o += widths[i];
  }
}

/** Backward of out[r] = b + Σ_h result[r, h]: dresult[r, h] += g[r] for every head; db += Σ_r g[r]. */
function headSumBackward(dresult: FloatArray, db: FloatArray | null, g: FloatArray, rows: number, H: number, d: number): void {
  for (let r = 0; r < rows; r++)
    for (let h = 0; h < H; h++) {
      const s = (r * H + h) * d;
      for (let j = 0; j < d; j++) dresult[s + j] += g[r * d + j];
    }
  if (db) for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) db[j] += g[r * d + j];
}

async function attentionForward(ctx: GradForwardContext, x: FloatArray, at: { slot: number; layer: number }): Promise<FloatArray> {
  const { cfg, k, tape, points, batch: B, seq: T } = ctx;
  const { dModel: d, nHeads: H, nKvHeads: K, dHead: dh } = cfg;
  const rows = B * T;
  const wp = `blocks.${at.layer}.attn.`;
  const hp = `blocks.${at.slot}.attn.`;
  const shape: AttentionShape = { batch: B, seq: T, nHeads: H, nKvHeads: K, dHead: dh };
  const width = (H + 2 * K) * dh;

  // q, k, v: one fused projection, split into [rows, heads·dh] blocks
  const wqkv = ctx.w.qkv(at.layer);
  const qkv = await linearForward(k, x, wqkv, ctx.w.qkvBias(at.layer), rows, d, width);
  const q0 = k.alloc(rows * H * dh), k0 = k.alloc(rows * K * dh), v0 = k.alloc(rows * K * dh);
  splitColumns(qkv, [q0, k0, v0], rows);
  const dW = ['W_Q', 'W_K', 'W_V'].map((n) => wg(ctx, wp + n));
  const dB = ['b_Q', 'b_K', 'b_V'].map((n) => wg(ctx, wp + n));
  const wantW = dW.some(Boolean), wantB = dB.some(Boolean);
  const qkvIdx = tape.record(async () => {
    const dq = tape.take(q0), dk = tape.take(k0), dv = tape.take(v0);
    if (!dq && !dk && !dv) return;
    const dqkv = k.alloc(rows * width);
    joinColumns(dqkv, [dq ?? null, dk ?? null, dv ?? null], [H * dh, K * dh, K * dh], rows);
    const dwFused = wantW ? k.alloc(d * width) : null;
    const dbFused = wantB ? k.alloc(width) : null;
    const dx = await linearBackward(k, dqkv, x, wqkv, dwFused, dbFused, rows, d, width);
    tape.accumulate(x, dx!, true);
    if (dwFused) unfuseHeadsInto(dwFused, [{ target: dW[0], heads: H }, { target: dW[1], heads: K }, { target: dW[2], heads: K }], d, dh);
    if (dbFused) addColumnBlocks(dbFused, dB, [H * dh, K * dh, K * dh]);
  });
  if (wantW || wantB) points.need(qkvIdx);
  const qShape = [B, T, H, dh], kvShape = [B, T, K, dh];
  let q = await points.point(hp + 'hook_q', q0, qShape, at);
  let kk = await points.point(hp + 'hook_k', k0, kvShape, at);
  const v = await points.point(hp + 'hook_v', v0, kvShape, at);
  if (ctx.rotary) {
    const rot = ctx.rotary;
    // in place when nothing but the rotation reads the unrotated value (its gradient is then rotated in place too)
    const rotate = (src: FloatArray, heads: number, srcName: string): FloatArray => {
      const inPlace = src !== q0 && src !== k0 ? false : !points.wanted(srcName);
      const out = inPlace ? src : k.alloc(src.length);
      rotaryApply(out, src, rows, heads, dh, rot, 1);
      tape.record(() => {
        const g = tape.take(out);
        if (!g) return;
        // the gradient taken from the tape is ours: rotate it back in place
        rotaryApply(g, g, rows, heads, dh, rot, -1);
        tape.accumulate(src, g, true);
      });
      return out;
    };
    q = await points.point(hp + 'hook_rot_q', rotate(q, H, hp + 'hook_q'), qShape, at);
    kk = await points.point(hp + 'hook_rot_k', rotate(kk, K, hp + 'hook_k'), kvShape, at);
  }
  const qh = gatherHeads(k, q, shape, H);
  const kh = gatherHeads(k, kk, shape, K);
  const vh = gatherHeads(k, v, shape, K);
  const qFinal = q, kFinal = kk;
  const scoresName = hp + 'hook_attn_scores', patternName = hp + 'hook_pattern';
  // when something reads the scores or the pattern they are two values; otherwise one pass makes the pattern
  const separate = points.wanted(scoresName) || points.wanted(patternName);
  const scores0 = separate
    ? await scoresForward(k, qh, kh, ctx.allowed, shape)
    : k.attentionPattern
      ? await k.attentionPattern(qh, kh, ctx.additiveMask(), { batch: B, heads: H, seq: T, dHead: dh }, 1 / Math.sqrt(dh))
      : await causalAttentionPattern(k, qh, kh, ctx.padded ? ctx.allowed : null, shape);
  const patternShape = [B, H, T, T];
  const scoresToQk = async (ds: FloatArray, prescaled: boolean) => {
    const { dqh, dkh } = await scoresBackward(k, ds, qh, kh, shape, prescaled);
    tape.accumulate(qFinal, scatterHeads(k, dqh, shape, H), true);
    tape.accumulate(kFinal, scatterHeads(k, dkh, shape, K), true);
  };
  let pattern: FloatArray;
  if (separate) {
    tape.record(async () => {
      const ds = tape.take(scores0);
      if (ds) await scoresToQk(ds, false);
    });
    const scores = await points.point(scoresName, scores0, patternShape, at);
    const p0 = k.alloc(scores.length);
    softmaxForward(p0, scores, B * H * T, T);
    tape.record(() => {
      const dp = tape.take(p0);
      if (dp) tape.accumulate(scores, softmaxBackward(dp, dp, p0, ctx.allowed, shape), true);
    });
    pattern = await points.point(patternName, p0, patternShape, at);
  } else {
    // nothing reads the scores or the pattern: scores0 already holds the pattern; one backward step for both
    const p0 = scores0;
    tape.record(async () => {
      const dp = tape.take(p0);
      if (dp) await scoresToQk(softmaxBackward(dp, dp, p0, ctx.allowed, shape, { rowLive: ctx.rowLive }, 1 / Math.sqrt(dh)), true);
    });
    pattern = p0;
  }
  const zh = await mixForward(k, pattern, vh, shape);
  const z0 = scatterHeads(k, zh, shape, H);
  const patternFinal = pattern;
  tape.record(async () => {
    const dz = tape.take(z0);
    if (!dz) return;
    const { dpattern, dvh } = await mixBackward(k, gatherHeads(k, dz, shape, H), patternFinal, vh, shape);
    tape.accumulate(patternFinal, dpattern, true);
    tape.accumulate(v, scatterHeads(k, dvh, shape, K), true);
  });
  const z = await points.point(hp + 'hook_z', z0, qShape, at);
  const wO = ctx.w.get(wp + 'W_O');
  const bO = ctx.w.optional(wp + 'b_O');
  const dwO = wg(ctx, wp + 'W_O'), dbO = wg(ctx, wp + 'b_O');
  if (!ctx.attnResult) return linearStep(ctx, z, wO, bO, H * dh, d, dwO, dbO);

  const zhFinal = z === z0 ? zh : gatherHeads(k, z, shape, H);
  const result0 = await headResultsForward(k, zhFinal, wO, shape, d);
  const resIdx = tape.record(async () => {
    const dr = tape.take(result0);
    if (!dr) return;
    const dzh = await headResultsBackward(k, dr, zhFinal, wO, dwO, shape, d);
    tape.accumulate(z, scatterHeads(k, dzh, shape, H), true);
  });
  if (dwO) points.need(resIdx);
  const result = await points.point(hp + 'hook_result', result0, [B, T, H, d], at);
  const out = k.alloc(rows * d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    if (bO) for (let j = 0; j < d; j++) out[o + j] = bO[j];
    for (let h = 0; h < H; h++) {
      const s = (r * H + h) * d;
      for (let j = 0; j < d; j++) out[o + j] += result[s + j];
    }
  }
  const sumIdx = tape.record(() => {
    const g = tape.take(out);
    if (!g) return;
    headSumBackward(tape.gradBuffer(result), dbO, g, rows, H, d);
  });
  if (dbO) points.need(sumIdx);
  return out;
}

async function mlpForward(ctx: GradForwardContext, x: FloatArray, at: { slot: number; layer: number }): Promise<FloatArray> {
  const { cfg, k, tape, points, batch: B, seq: T } = ctx;
  const { dModel: d, dMlp: f } = cfg;
  const wp = `blocks.${at.layer}.mlp.`;
  const hp = `blocks.${at.slot}.mlp.`;
  const shape = [B, T, f];
  let post0: FloatArray;
  if (cfg.gatedMlp) {
    const [gate0, lin0] = await Promise.all([
      linearStep(ctx, x, ctx.w.get(wp + 'W_gate'), null, d, f, wg(ctx, wp + 'W_gate'), null),
      linearStep(ctx, x, ctx.w.get(wp + 'W_in'), ctx.w.optional(wp + 'b_in'), d, f, wg(ctx, wp + 'W_in'), wg(ctx, wp + 'b_in')),
    ]);
    const gate = await points.point(hp + 'hook_pre', gate0, shape, at);
    const lin = await points.point(hp + 'hook_pre_linear', lin0, shape, at);
    const sigmoid = cfg.act === 'silu' ? k.alloc(gate.length) : undefined;
    post0 = gatedForward(k, cfg.act, gate, lin, sigmoid);
    tape.record(() => {
      const g = tape.take(post0);
      if (!g) return;
      const { dgate, dlinear } = gatedBackward(k, cfg.act, g, gate, lin, sigmoid);
      tape.accumulate(gate, dgate, true);
      tape.accumulate(lin, dlinear, true);
    });
  } else {
    const pre0 = await linearStep(ctx, x, ctx.w.get(wp + 'W_in'), ctx.w.optional(wp + 'b_in'), d, f, wg(ctx, wp + 'W_in'), wg(ctx, wp + 'b_in'));
    const pre = await points.point(hp + 'hook_pre', pre0, shape, at);
    post0 = activationForward(k, cfg.act, pre);
    tape.record(() => {
      const g = tape.take(post0);
      if (g) tape.accumulate(pre, activationBackward(cfg.act, g, pre), true);
    });
  }
  const post = await points.point(hp + 'hook_post', post0, shape, at);
  return linearStep(ctx, post, ctx.w.get(wp + 'W_out'), ctx.w.optional(wp + 'b_out'), f, d, wg(ctx, wp + 'W_out'), wg(ctx, wp + 'b_out'));
}

async function blockForward(ctx: GradForwardContext, resid: FloatArray, at: { slot: number; layer: number }): Promise<FloatArray> {
  const { cfg, points, batch: B, seq: T } = ctx;
  const p = `blocks.${at.slot}.`;
  const w = `blocks.${at.layer}.`;
  const rs = [B, T, cfg.dModel];
  const residPre = await points.point(p + 'hook_resid_pre', resid, rs, at);
  const attnIn = await normForward(ctx, residPre, p + 'ln1', w + 'ln1', at);
  const attnOut = await points.point(p + 'hook_attn_out', await attentionForward(ctx, attnIn, at), rs, at);
  let post: FloatArray;
  if (cfg.parallelAttnMlp) {
    const mlpIn = await normForward(ctx, residPre, p + 'ln2', w + 'ln2', at);
    const mlpOut = await points.point(p + 'hook_mlp_out', await mlpForward(ctx, mlpIn, at), rs, at);
    post = addValues(ctx, residPre, attnOut, mlpOut);
  } else {
    const residMid = await points.point(p + 'hook_resid_mid', addValues(ctx, residPre, attnOut), rs, at);
    const mlpIn = await normForward(ctx, residMid, p + 'ln2', w + 'ln2', at);
    const mlpOut = await points.point(p + 'hook_mlp_out', await mlpForward(ctx, mlpIn, at), rs, at);
    post = addValues(ctx, residMid, mlpOut);
  }
  return points.point(p + 'hook_resid_post', post, rs, at);
}

/** Embeddings, the blocks of `schedule`, the final norm and the unembedding: returns the logits [rows, dVocab]. */
export async function gradForward(ctx: GradForwardContext, schedule: readonly number[]): Promise<FloatArray> {
  const { cfg, k, tape, points, batch: B, seq: T } = ctx;
  const d = cfg.dModel;
  const rows = B * T;
  const none = { slot: null, layer: null };
  const embedStep = (table: string, ids: Int32Array): FloatArray => {
    const out = k.alloc(rows * d);
    embeddingForward(out, ids, ctx.w.get(table), d);
    const target = wg(ctx, table);
    if (target) {
      points.need(tape.record(() => {
        const g = tape.take(out);
        if (g) embeddingBackward(target, ids, g, d);
      }));
    }
    return out;
  };
  let resid = await points.point('hook_embed', embedStep('embed.W_E', ctx.tokens), [B, T, d], none);
  if (cfg.positional === 'learned') {
    const pos = await points.point('hook_pos_embed', embedStep('pos_embed.W_pos', ctx.positions), [B, T, d], none);
    resid = addValues(ctx, resid, pos);
  }
  for (let slot = 0; slot < schedule.length; slot++) resid = await blockForward(ctx, resid, { slot, layer: schedule[slot] });
  const xf = await normForward(ctx, resid, 'ln_final', 'ln_final', none);
  return linearStep(ctx, xf, ctx.w.get('unembed.W_U'), ctx.w.optional('unembed.b_U'), d, cfg.dVocab, wg(ctx, 'unembed.W_U'), wg(ctx, 'unembed.b_U'));
}
