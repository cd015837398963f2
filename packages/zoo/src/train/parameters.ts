/**
 * The trainer's parameters: one flat array holding every weight, with named views in "linear" layout
 * (matrices stored [in, out], heads contiguous in the output: q is [dModel, nHeads·dHead]). The optimizer
 * walks the flat array; export converts the views to Hugging Face names.
 */
import { createRng, type ModelConfig } from '@marr/core';
import type { FloatArray, Kernels } from './kernels.js';

export interface ParameterSpec {
  name: string;
  shape: number[];
  /** How it is initialised: normal(0, std), ones, or zeros. */
  init: { kind: 'normal'; std: number } | { kind: 'ones' } | { kind: 'zeros' };
  /** Whether AdamW applies weight decay (matrices yes; norms and biases no). */
  decay: boolean;
}

export interface Parameters {
  readonly config: ModelConfig;
  readonly specs: readonly ParameterSpec[];
  readonly data: FloatArray;
  readonly offsets: ReadonlyMap<string, number>;
  /** The named view into `data` (or into another array with the same layout, such as the gradients). */
  view(name: string, of?: FloatArray): FloatArray;
  has(name: string): boolean;
}

/** The parameter list a config implies, in a fixed order (GPT-2-style init: std 0.02, residual outputs scaled). */
export function parameterSpecs(cfg: ModelConfig): ParameterSpec[] {
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
export function wrapParameters(cfg: ModelConfig, data: FloatArray): Parameters {
  const specs = parameterSpecs(cfg);
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

export function parameterCount(cfg: ModelConfig): number {
  return parameterSpecs(cfg).reduce((a, s) => a + sizeOfShape(s.shape), 0);
}

/** Seeded initialisation: the same config and seed give the same weights. */
export function initParameters(k: Kernels, cfg: ModelConfig, seed: number): Parameters {
  const p = wrapParameters(cfg, k.alloc(parameterCount(cfg)));
  const rng = createRng(seed);
  for (const s of p.specs) {
    const v = p.view(s.name);
    if (s.init.kind === 'ones') v.fill(1);
    else if (s.init.kind === 'normal') for (let i = 0; i < v.length; i++) v[i] = rng.normal() * s.init.std;
  }
  return p;
}
