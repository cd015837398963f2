/**
 * The layout the zoo's own forward/backward (`transformer.ts`) runs on: one flat array with named views in
 * "linear" layout (matrices stored [in, out], heads contiguous in the output: q is [dModel, nHeads·dHead]),
 * and the conversions from and to the trainer's TransformerLens-layout parameters (`parameters.ts`).
 */
import { createRng, type ModelConfig } from '@marr/core';
import type { FloatArray, Kernels } from './kernels.js';
import type { Parameters } from './parameters.js';

interface ParameterSpec {
  name: string;
  shape: number[];
  /** How it is initialised: normal(0, std), ones, or zeros. */
  init: { kind: 'normal'; std: number } | { kind: 'ones' } | { kind: 'zeros' };
  /** Whether AdamW applies weight decay (matrices yes; norms and biases no). */
  decay: boolean;
}

export interface LinearParameters {
  readonly config: ModelConfig;
  readonly specs: readonly ParameterSpec[];
  readonly data: FloatArray;
  readonly offsets: ReadonlyMap<string, number>;
  /** The named view into `data` (or into another array with the same layout, such as the gradients). */
  view(name: string, of?: FloatArray): FloatArray;
  has(name: string): boolean;
}

/** The parameter list a config implies, in a fixed order (GPT-2-style init: std 0.02, residual outputs scaled). */
export function linearSpecs(cfg: ModelConfig): ParameterSpec[] {
  const d = cfg.dModel;
  const qd = cfg.nHeads * cfg.dHead;
  const kd = cfg.nKvHeads * cfg.dHead;
  const f = cfg.dMlp;
  const std = 0.02;
  const residStd = 0.02 / Math.sqrt(2 * cfg.nLayers);
  const ln = cfg.normType === 'layernorm';
  const specs: ParameterSpec[] = [];
  const add = (name: string, shape: number[], init: ParameterSpec['init'], decay: boolean) => specs.push({ name, shape, init, decay });
  const normal = (s: number) => ({ kind: 'normal' as const, std: s });
  add('embed', [cfg.dVocab, d], normal(std), true);
  if (cfg.positional === 'learned') add('pos', [cfg.nCtx, d], normal(0.01), true);
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `blocks.${l}.`;
    add(p + 'ln1.w', [d], { kind: 'ones' }, false);
    if (ln) add(p + 'ln1.b', [d], { kind: 'zeros' }, false);
    add(p + 'q', [d, qd], normal(std), true);
    add(p + 'k', [d, kd], normal(std), true);
    add(p + 'v', [d, kd], normal(std), true);
    add(p + 'o', [qd, d], normal(residStd), true);
    if (cfg.attnBias) {
      add(p + 'q.b', [qd], { kind: 'zeros' }, false);
      add(p + 'k.b', [kd], { kind: 'zeros' }, false);
      add(p + 'v.b', [kd], { kind: 'zeros' }, false);
      add(p + 'o.b', [d], { kind: 'zeros' }, false);
    }
    add(p + 'ln2.w', [d], { kind: 'ones' }, false);
    if (ln) add(p + 'ln2.b', [d], { kind: 'zeros' }, false);
    if (cfg.gatedMlp) add(p + 'gate', [d, f], normal(std), true);
    add(p + 'up', [d, f], normal(std), true);
    add(p + 'down', [f, d], normal(residStd), true);
    if (cfg.mlpBias) {
      add(p + 'up.b', [f], { kind: 'zeros' }, false);
      add(p + 'down.b', [d], { kind: 'zeros' }, false);
    }
  }
  add('lnf.w', [d], { kind: 'ones' }, false);
  if (ln) add('lnf.b', [d], { kind: 'zeros' }, false);
  add('unembed', [d, cfg.dVocab], normal(std), true);
  if (cfg.unembedBias) add('unembed.b', [cfg.dVocab], { kind: 'zeros' }, false);
  return specs;
}

function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Wraps a flat array (of the right length) with named views. */
export function wrapLinear(cfg: ModelConfig, data: FloatArray): LinearParameters {
  const specs = linearSpecs(cfg);
  const offsets = new Map<string, number>();
  const sizes = new Map<string, number>();
  let total = 0;
  for (const s of specs) {
    offsets.set(s.name, total);
    sizes.set(s.name, sizeOfShape(s.shape));
    total += sizeOfShape(s.shape);
  }
  if (data.length !== total) throw new RangeError(`parameters: expected ${total} values for this config, got ${data.length}`);
  return {
    config: cfg,
    specs,
    data,
    offsets,
    has: (name) => offsets.has(name),
    view(name, of = data) {
      const o = offsets.get(name);
      if (o === undefined) throw new Error(`parameters: no parameter named ${name} (have ${[...offsets.keys()].join(', ')})`);
      return of.subarray(o, o + (sizes.get(name) as number));
    },
  };
}

/** Seeded initialisation in linear layout (the float64 gradient checks of `transformer.ts`). */
export function initLinear(k: Kernels, cfg: ModelConfig, seed: number): LinearParameters {
  const p = wrapLinear(cfg, k.alloc(linearSpecs(cfg).reduce((a, s) => a + sizeOfShape(s.shape), 0)));
  const rng = createRng(seed);
  for (const s of p.specs) {
    const v = p.view(s.name);
    if (s.init.kind === 'ones') v.fill(1);
    else if (s.init.kind === 'normal') for (let i = 0; i < v.length; i++) v[i] = rng.normal() * s.init.std;
  }
  return p;
}

/** TransformerLens weight name → linear name, and whether the tensor is a per-head input projection [H, d, dh]. */
function linearName(tl: string): { name: string; heads: boolean } {
  const fixed: Record<string, string> = { 'embed.W_E': 'embed', 'pos_embed.W_pos': 'pos', 'ln_final.w': 'lnf.w', 'ln_final.b': 'lnf.b', 'unembed.W_U': 'unembed', 'unembed.b_U': 'unembed.b' };
  if (fixed[tl]) return { name: fixed[tl], heads: false };
  const m = /^(blocks\.\d+\.)(.*)$/.exec(tl);
  if (!m) throw new Error(`linear layout: unknown weight ${tl}`);
  const leaf: Record<string, string> = {
    'ln1.w': 'ln1.w', 'ln1.b': 'ln1.b', 'ln2.w': 'ln2.w', 'ln2.b': 'ln2.b',
    'attn.W_Q': 'q', 'attn.W_K': 'k', 'attn.W_V': 'v', 'attn.W_O': 'o', 'attn.b_Q': 'q.b', 'attn.b_K': 'k.b', 'attn.b_V': 'v.b', 'attn.b_O': 'o.b',
    'mlp.W_in': 'up', 'mlp.W_gate': 'gate', 'mlp.W_out': 'down', 'mlp.b_in': 'up.b', 'mlp.b_out': 'down.b',
  };
  if (!leaf[m[2]]) throw new Error(`linear layout: unknown weight ${tl}`);
  return { name: m[1] + leaf[m[2]], heads: /^attn\.W_[QKV]$/.test(m[2]) };
}

/** Copies the TransformerLens-layout `from` (a buffer with p's layout) into the linear-layout `to`. */
export function tlToLinear(p: Parameters, from: Float32Array, to: LinearParameters, toData: FloatArray = to.data): void {
  for (const s of p.specs) {
    const src = p.view(s.name, from);
    const { name, heads } = linearName(s.name);
    const dst = to.view(name, toData);
    if (!heads) { dst.set(src); continue; }
    const [H, d, dh] = s.shape;
    for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let k = 0; k < dh; k++) dst[i * H * dh + h * dh + k] = src[(h * d + i) * dh + k];
  }
}

/** Copies the linear-layout `fromData` (e.g. gradients) into `to`, a buffer with p's TransformerLens layout. */
export function linearToTl(lin: LinearParameters, fromData: FloatArray, p: Parameters, to: Float32Array): void {
  for (const s of p.specs) {
    const dst = p.view(s.name, to);
    const { name, heads } = linearName(s.name);
    const src = lin.view(name, fromData);
    if (!heads) { dst.set(src); continue; }
    const [H, d, dh] = s.shape;
    for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let k = 0; k < dh; k++) dst[(h * d + i) * dh + k] = src[i * H * dh + h * dh + k];
  }
}
