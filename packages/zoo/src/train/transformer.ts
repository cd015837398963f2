/**
 * Forward with saved activations and a hand-written backward for the whole model, in the spirit of
 * llm.c: each layer type is one function in `layers/`, and this file only wires them together.
 *
 * Supports the sequential-block configs of @marr/core: Llama-style (RMSNorm, rotary `half`, SwiGLU,
 * grouped-query attention) and GPT-2-style (LayerNorm, learned positions, GELU, biases).
 */
import type { ModelConfig } from '@marr/core';
import type { FloatArray, Kernels } from './kernels.js';
import type { LinearParameters as Parameters } from './linear-layout.js';
import { geluBackward, geluForward, swigluBackward, swigluForward } from './layers/activations.js';
import { attentionBackward, attentionForward, type AttentionShape } from './layers/attention.js';
import { crossEntropyForwardBackward } from './layers/cross-entropy.js';
import { embeddingBackward, embeddingForward } from './layers/embedding.js';
import { layernormBackward, layernormForward } from './layers/layernorm.js';
import { linearBackward, linearForward } from './layers/linear.js';
import { rmsnormBackward, rmsnormForward } from './layers/rmsnorm.js';
import { applyRotary, rotaryTables, type RotaryTables } from './layers/rotary.js';

/** Throws a clear error for configs the trainer cannot train. */
export function checkTrainable(cfg: ModelConfig): void {
  const problems: string[] = [];
  if (cfg.parallelAttnMlp) problems.push('parallel attention/MLP (GPT-NeoX) blocks are not supported; use a gpt2 or llama config');
  if (cfg.positional === 'rotary' && cfg.rotaryStyle !== 'half') problems.push('only the `half` rotary style is trained (it is what Hugging Face Llama uses)');
  if (cfg.gatedMlp && cfg.act !== 'silu') problems.push(`gated MLPs are trained with silu only, not ${cfg.act}`);
  if (!cfg.gatedMlp && cfg.act !== 'gelu_new') problems.push(`ungated MLPs are trained with gelu_new only, not ${cfg.act}`);
  if (cfg.nHeads % cfg.nKvHeads !== 0) problems.push('nHeads must be a multiple of nKvHeads');
  if (problems.length) throw new Error(`train: cannot train this config: ${problems.join('; ')}`);
}

interface NormSaved {
  out: FloatArray;
  mean: FloatArray | null;
  rstd: FloatArray;
}

interface BlockSaved {
  xIn: FloatArray;
  norm1: NormSaved;
  q: FloatArray;
  k: FloatArray;
  v: FloatArray;
  pattern: FloatArray;
  z: FloatArray;
  xMid: FloatArray;
  norm2: NormSaved;
  /** Gate pre-activation (gated MLPs) and the up/fc pre-activation. */
  gate: FloatArray | null;
  up: FloatArray;
  act: FloatArray;
}

export interface ForwardResult {
  loss: number;
  /** Per-position losses (0 where there is no target). */
  losses: Float64Array;
  logits: FloatArray;
  saved: { tokens: Int32Array; blocks: BlockSaved[]; xFinal: FloatArray; normF: NormSaved; dlogits: FloatArray };
}

function norm(k: Kernels, p: Parameters, prefix: string, x: FloatArray, rows: number): NormSaved {
  const cfg = p.config;
  const d = cfg.dModel;
  const out = k.alloc(rows * d);
  const rstd = k.alloc(rows);
  if (cfg.normType === 'rmsnorm') {
    rmsnormForward(out, rstd, x, p.view(prefix + '.w'), rows, d, cfg.normEps);
    return { out, mean: null, rstd };
  }
  const mean = k.alloc(rows);
  layernormForward(out, mean, rstd, x, p.view(prefix + '.w'), p.view(prefix + '.b'), rows, d, cfg.normEps);
  return { out, mean, rstd };
}

function normBackward(p: Parameters, grads: FloatArray, prefix: string, dx: FloatArray, dy: FloatArray, x: FloatArray, s: NormSaved, rows: number): void {
  const d = p.config.dModel;
  if (p.config.normType === 'rmsnorm') {
    rmsnormBackward(dx, p.view(prefix + '.w', grads), dy, x, p.view(prefix + '.w'), s.rstd, rows, d);
  } else {
    layernormBackward(dx, p.view(prefix + '.w', grads), p.view(prefix + '.b', grads), dy, x, p.view(prefix + '.w'), s.mean as FloatArray, s.rstd, rows, d);
  }
}

function bias(p: Parameters, name: string, of?: FloatArray): FloatArray | null {
  return p.has(name) ? p.view(name, of) : null;
}

const rotaryCache = new Map<string, RotaryTables>();
function rotaryFor(cfg: ModelConfig, seq: number): RotaryTables {
  const key = `${seq}/${cfg.rotaryDim}/${cfg.rotaryBase}`;
  let t = rotaryCache.get(key);
  if (!t) {
    t = rotaryTables(seq, cfg.rotaryDim, cfg.rotaryBase);
    rotaryCache.set(key, t);
  }
  return t;
}

/**
 * Forward pass on tokens [batch, seq] (row-major) with next-token targets (−1 = no target).
 * Also computes dlogits, so `backward` can start right away.
 */
export async function forward(k: Kernels, p: Parameters, tokens: Int32Array, targets: Int32Array, batch: number, seq: number): Promise<ForwardResult> {
  const cfg = p.config;
  const { dModel: d, nHeads: H, nKvHeads: K, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const rows = batch * seq;
  if (tokens.length !== rows || targets.length !== rows) throw new RangeError(`forward: tokens and targets must have batch·seq = ${rows} entries`);
  if (seq > cfg.nCtx) throw new RangeError(`forward: sequence length ${seq} exceeds the model's context ${cfg.nCtx}`);
  for (const t of tokens) if (t < 0 || t >= V) throw new RangeError(`forward: token id ${t} outside the vocabulary [0, ${V})`);
  const shape: AttentionShape = { batch, seq, nHeads: H, nKvHeads: K, dHead: dh };
  const rot = cfg.positional === 'rotary' ? rotaryFor(cfg, seq) : null;

  let x = k.alloc(rows * d);
  embeddingForward(x, tokens, p.view('embed'), cfg.positional === 'learned' ? p.view('pos') : null, seq, d);
  const blocks: BlockSaved[] = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    const pre = `blocks.${l}.`;
    const xIn = x;
    const norm1 = norm(k, p, pre + 'ln1', xIn, rows);
    const [q, key, v] = await Promise.all([
      linearForward(k, norm1.out, p.view(pre + 'q'), bias(p, pre + 'q.b'), rows, d, H * dh),
      linearForward(k, norm1.out, p.view(pre + 'k'), bias(p, pre + 'k.b'), rows, d, K * dh),
      linearForward(k, norm1.out, p.view(pre + 'v'), bias(p, pre + 'v.b'), rows, d, K * dh),
    ]);
    if (rot) {
      applyRotary(q, rows, seq, H, dh, rot, 1);
      applyRotary(key, rows, seq, K, dh, rot, 1);
    }
    const { z, pattern } = await attentionForward(k, q, key, v, shape);
    const attnOut = await linearForward(k, z, p.view(pre + 'o'), bias(p, pre + 'o.b'), rows, H * dh, d);
    const xMid = k.alloc(rows * d);
    for (let i = 0; i < xMid.length; i++) xMid[i] = xIn[i] + attnOut[i];
    const norm2 = norm(k, p, pre + 'ln2', xMid, rows);
    let gate: FloatArray | null = null;
    let up: FloatArray;
    let act: FloatArray;
    if (cfg.gatedMlp) {
      [gate, up] = await Promise.all([
        linearForward(k, norm2.out, p.view(pre + 'gate'), null, rows, d, f),
        linearForward(k, norm2.out, p.view(pre + 'up'), bias(p, pre + 'up.b'), rows, d, f),
      ]);
      act = swigluForward(k, gate, up);
    } else {
      up = await linearForward(k, norm2.out, p.view(pre + 'up'), bias(p, pre + 'up.b'), rows, d, f);
      act = geluForward(k, up);
    }
    const mlpOut = await linearForward(k, act, p.view(pre + 'down'), bias(p, pre + 'down.b'), rows, f, d);
    x = k.alloc(rows * d);
    for (let i = 0; i < x.length; i++) x[i] = xMid[i] + mlpOut[i];
    blocks.push({ xIn, norm1, q, k: key, v, pattern, z, xMid, norm2, gate, up, act });
  }
  const normF = norm(k, p, 'lnf', x, rows);
  const logits = await linearForward(k, normF.out, p.view('unembed'), bias(p, 'unembed.b'), rows, d, V);
  const { loss, losses, dlogits } = crossEntropyForwardBackward(k, logits, targets, rows, V);
  return { loss, losses, logits, saved: { tokens, blocks, xFinal: x, normF, dlogits } };
}

/** Backward pass: accumulates into `grads` (same layout as p.data) the gradient of the mean loss. */
export async function backward(k: Kernels, p: Parameters, grads: FloatArray, fwd: ForwardResult, batch: number, seq: number): Promise<void> {
  const cfg = p.config;
  const { dModel: d, nHeads: H, nKvHeads: K, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const rows = batch * seq;
  const shape: AttentionShape = { batch, seq, nHeads: H, nKvHeads: K, dHead: dh };
  const rot = cfg.positional === 'rotary' ? rotaryFor(cfg, seq) : null;
  const g = (name: string) => p.view(name, grads);
  const gb = (name: string) => bias(p, name, grads);
  const { saved } = fwd;

  const dnormF = await linearBackward(k, saved.dlogits, saved.normF.out, p.view('unembed'), g('unembed'), gb('unembed.b'), rows, d, V);
  let dx = k.alloc(rows * d);
  normBackward(p, grads, 'lnf', dx, dnormF, saved.xFinal, saved.normF, rows);

  for (let l = cfg.nLayers - 1; l >= 0; l--) {
    const pre = `blocks.${l}.`;
    const s = saved.blocks[l];
    // MLP: x = xMid + down(act(norm2(xMid)))
    const dact = await linearBackward(k, dx, s.act, p.view(pre + 'down'), g(pre + 'down'), gb(pre + 'down.b'), rows, f, d);
    let dh2: FloatArray;
    if (cfg.gatedMlp) {
      const { dgate, dup } = swigluBackward(k, dact, s.gate as FloatArray, s.up);
      const [a, b] = await Promise.all([
        linearBackward(k, dgate, s.norm2.out, p.view(pre + 'gate'), g(pre + 'gate'), null, rows, d, f),
        linearBackward(k, dup, s.norm2.out, p.view(pre + 'up'), g(pre + 'up'), gb(pre + 'up.b'), rows, d, f),
      ]);
      for (let i = 0; i < a.length; i++) a[i] += b[i];
      dh2 = a;
    } else {
      const dup = geluBackward(k, dact, s.up);
      dh2 = await linearBackward(k, dup, s.norm2.out, p.view(pre + 'up'), g(pre + 'up'), gb(pre + 'up.b'), rows, d, f);
    }
    const dxMid = dx.slice();
    normBackward(p, grads, pre + 'ln2', dxMid, dh2, s.xMid, s.norm2, rows);
    // attention: xMid = xIn + o(attn(q, k, v))
    const dz = await linearBackward(k, dxMid, s.z, p.view(pre + 'o'), g(pre + 'o'), gb(pre + 'o.b'), rows, H * dh, d);
    const { dq, dk, dv } = await attentionBackward(k, dz, s.q, s.k, s.v, s.pattern, shape);
    if (rot) {
      applyRotary(dq, rows, seq, H, dh, rot, -1);
      applyRotary(dk, rows, seq, K, dh, rot, -1);
    }
    const [a, b, c] = await Promise.all([
      linearBackward(k, dq, s.norm1.out, p.view(pre + 'q'), g(pre + 'q'), gb(pre + 'q.b'), rows, d, H * dh),
      linearBackward(k, dk, s.norm1.out, p.view(pre + 'k'), g(pre + 'k'), gb(pre + 'k.b'), rows, d, K * dh),
      linearBackward(k, dv, s.norm1.out, p.view(pre + 'v'), g(pre + 'v'), gb(pre + 'v.b'), rows, d, K * dh),
    ]);
    for (let i = 0; i < a.length; i++) a[i] += b[i] + c[i];
    const dxIn = dxMid.slice();
    normBackward(p, grads, pre + 'ln1', dxIn, a, s.xIn, s.norm1, rows);
    dx = dxIn;
  }
  embeddingBackward(dx, saved.tokens, g('embed'), cfg.positional === 'learned' ? g('pos') : null, seq, d);
}
