/**
 * The trainer's parameters in @marr/core's TransformerLens layout: one flat Float32Array holding every
 * weight, and a core `WeightMap` whose tensors are views into it (the names and shapes of core's
 * `expectedWeights(cfg)`, in that order). The optimizer walks the flat array; the hooked transformer reads
 * the views; the gradients live in a second flat array with the same views (`viewsInto`).
 */
import { createRng, expectedWeights, tensor, type ModelConfig, type WeightMap } from '@marr/core';

export interface ParameterSpec {
  /** The TransformerLens weight name (`blocks.0.attn.W_Q`, ...). */
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
  /** Every weight, back to back in the order of `specs`. */
  readonly data: Float32Array;
  readonly offsets: ReadonlyMap<string, number>;
  /** The weights as core's WeightMap: views into `data` (an in-place update of `data` is seen through them). */
  readonly weights: WeightMap;
  /** The named view into `data` (or into another array with the same layout, such as the gradients). */
  view(name: string, of?: Float32Array): Float32Array;
  /** A WeightMap of views into `buffer` (same length and layout as `data`), e.g. the gradient buffer. */
  viewsInto(buffer: Float32Array): WeightMap;
  has(name: string): boolean;
}

/**
 * How one TransformerLens weight is initialised and whether it decays, by its name (GPT-2-style init:
 * std 0.02, the residual outputs W_O and W_out scaled by 1/√(2·nLayers), positions std 0.01; norm scales
 * ones; biases zeros; weight decay on matrices only).
 */
export function parameterRule(cfg: ModelConfig, name: string): Pick<ParameterSpec, 'init' | 'decay'> {
  const leaf = name.slice(name.lastIndexOf('.') + 1);
  const normal = (std: number) => ({ init: { kind: 'normal' as const, std }, decay: true });
  if (leaf === 'w') return { init: { kind: 'ones' }, decay: false }; // ln1.w, ln2.w, ln_final.w
  if (leaf === 'b' || leaf.startsWith('b_')) return { init: { kind: 'zeros' }, decay: false };
  if (leaf === 'W_pos') return normal(0.01);
  if (leaf === 'W_O' || leaf === 'W_out') return normal(0.02 / Math.sqrt(2 * cfg.nLayers));
  if (leaf.startsWith('W_')) return normal(0.02);
  throw new Error(`parameters: no initialisation rule for weight ${name}`);
}

/** The parameter list a config implies: core's expected weights, in core's order, with init and decay. */
export function parameterSpecs(cfg: ModelConfig): ParameterSpec[] {
  return [...expectedWeights(cfg)].map(([name, shape]) => ({ name, shape, ...parameterRule(cfg, name) }));
}

function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Wraps a flat array (of the right length) with named views. */
export function wrapParameters(cfg: ModelConfig, data: Float32Array): Parameters {
  if (!(data instanceof Float32Array)) throw new TypeError('parameters: the flat parameter array must be a Float32Array');
  const specs = parameterSpecs(cfg);
  const offsets = new Map<string, number>();
  let total = 0;
  for (const s of specs) {
    offsets.set(s.name, total);
    total += sizeOfShape(s.shape);
  }
  if (data.length !== total) throw new RangeError(`parameters: expected ${total} values for this config, got ${data.length}`);
  const viewsInto = (buffer: Float32Array): WeightMap => {
    if (buffer.length !== total) throw new RangeError(`parameters: a buffer with the parameters' layout needs ${total} values, got ${buffer.length}`);
    const w: WeightMap = new Map();
    for (const s of specs) {
      const o = offsets.get(s.name) as number;
      w.set(s.name, tensor(s.shape, buffer.subarray(o, o + sizeOfShape(s.shape))));
    }
    return w;
  };
  const weights = viewsInto(data);
  return {
    config: cfg,
    specs,
    data,
    offsets,
    weights,
    viewsInto,
    has: (name) => offsets.has(name),
    view(name, of = data) {
      const o = offsets.get(name);
      if (o === undefined) throw new Error(`parameters: no parameter named ${name} (have ${[...offsets.keys()].join(', ')})`);
      return of.subarray(o, o + (weights.get(name) as { data: Float32Array }).data.length);
    },
  };
}

export function parameterCount(cfg: ModelConfig): number {
  return parameterSpecs(cfg).reduce((a, s) => a + sizeOfShape(s.shape), 0);
}

/** Seeded initialisation: the same config and seed give the same weights. */
export function initParameters(cfg: ModelConfig, seed: number): Parameters {
  const p = wrapParameters(cfg, new Float32Array(parameterCount(cfg)));
  const rng = createRng(seed);
  for (const s of p.specs) {
    const v = p.view(s.name);
    if (s.init.kind === 'ones') v.fill(1);
    else if (s.init.kind === 'normal') for (let i = 0; i < v.length; i++) v[i] = rng.normal() * s.init.std;
  }
  return p;
}
