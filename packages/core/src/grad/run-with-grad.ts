/**
 * `model.runWithGrad`: validates the options, runs the differentiable forward (`transformer.ts`) with the
 * forward hooks, evaluates the metric, runs the backward pass with the grad hooks, and returns the
 * gradients by name (hook points shaped as in the hook-point table, weights in TransformerLens layout).
 */
import { MASKED, type Backend } from '../backend/backend.js';
import { MarrUsageError } from '../analysis/errors.js';
import { ActivationCache } from '../model/activation-cache.js';
import type { ModelConfig } from '../model/config.js';
import { cacheFilterPredicate, HookRegistry } from '../model/hook-registry.js';
import { hookPointNames, hookPointShape, hookPointSpec, nearestName, unknownNameError } from '../model/hook-points.js';
import { positionIds, prepareTokens } from '../model/input.js';
import { checkContext } from '../model/layers/embed.js';
import { isTokenBatch } from '../model/token-batch.js';
import type { GradHook, GradResult, Hook, IndexedTensor, LayerSchedule, OptInGroup, RunWithGradOptions, TokenInput } from '../model/types.js';
import { WEIGHT_ALIASES, type WeightMap } from '../model/weights.js';
import { indexed } from '../tensor/indexing.js';
import { intTensor, type Float32Tensor } from '../tensor/tensor.js';
import { backendKernels, float64Kernels, type FloatArray, type Kernels } from './kernels.js';
import { attentionAllowed, liveRows } from './layers/attention.js';
import { rotaryTables } from './layers/rotary.js';
import type { GradMetricOutput } from './metrics.js';
import { asTensor, GradPoints } from './points.js';
import { Tape } from './tape.js';
import { gradForward } from './transformer.js';
import { FusedWeightCache, GradWeights } from './weight-layout.js';

/** What runWithGrad needs of a model. */
export interface GradModel {
  readonly config: ModelConfig;
  readonly weights: WeightMap;
  readonly backend: Backend;
  readonly fusedWeights: FusedWeightCache;
  /** The validated schedule of the run. */
  schedule(s: LayerSchedule | undefined): LayerSchedule;
}

const OPTIONS: readonly (keyof RunWithGradOptions)[] = ['metric', 'wrt', 'hooks', 'cache', 'attentionMask', 'optIn', 'schedule', 'precision', 'accumulate'];

function isGradHook(h: Hook | GradHook): h is GradHook {
  return h !== null && typeof h === 'object' && (h as { grad?: unknown }).grad !== undefined;
}

function toFloat32(data: FloatArray): Float32Array {
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

function checkOptions(options: RunWithGradOptions): void {
  if (options === null || typeof options !== 'object') throw new MarrUsageError('runWithGrad: pass options { metric, wrt } (metric from gradMetrics, wrt a list of hook point and weight names)');
  for (const key of Object.keys(options)) {
    if (!OPTIONS.includes(key as keyof RunWithGradOptions)) throw unknownNameError('runWithGrad option', key, OPTIONS, `(valid: ${OPTIONS.join(', ')})`);
  }
  const m = options.metric;
  if (!m || typeof m !== 'object' || typeof m.evaluate !== 'function') {
    throw new MarrUsageError('runWithGrad: options.metric must be a GradMetric (gradMetrics.loss(), gradMetrics.lastPosition(logitDiffMetric(...)), gradMetrics.activation(hook, weights)), with an evaluate function');
  }
  if (!Array.isArray(options.wrt)) throw new MarrUsageError('runWithGrad: options.wrt must be an array of hook point names and/or weight names (it may be empty)');
  if (options.precision !== undefined && options.precision !== 'float32' && options.precision !== 'float64') {
    throw new MarrUsageError(`runWithGrad: precision must be "float32" or "float64", got ${JSON.stringify(options.precision)}`);
  }
  if (options.precision === 'float64' && options.accumulate) {
    throw new MarrUsageError('runWithGrad: accumulate is for float32 training steps; a float64 run (for gradient checks) returns its weight gradients in grads instead; drop accumulate or precision');
  }
  if (options.hooks !== undefined && !Array.isArray(options.hooks)) throw new MarrUsageError('runWithGrad: hooks must be an array of { name, edit }, { name, observe } or { name, grad }');
}

/** A valid hook point name for this run, or null. */
function hookPointFor(cfg: ModelConfig, name: string, slots: number) {
  const found = hookPointSpec(name);
  if (!found || (found.spec.when && !found.spec.when(cfg)) || (found.slot !== null && found.slot >= slots)) return null;
  return found;
}

function resolveWeight(weights: WeightMap, name: string): string | null {
  const full = WEIGHT_ALIASES[name] ?? name;
  return weights.has(full) ? full : null;
}

export async function runWithGrad(model: GradModel, tokens: TokenInput, options: RunWithGradOptions): Promise<GradResult> {
  checkOptions(options);
  const cfg = model.config;
  const schedule = model.schedule(options.schedule);
  const slots = schedule.length;
  const precision = options.precision ?? 'float32';
  const k: Kernels = precision === 'float64' ? float64Kernels : backendKernels(model.backend);
  const metric = options.metric;

  // hooks: forward ones for the registry, grad ones by name
  const forwardHooks: Hook[] = [];
  const gradHooks = new Map<string, GradHook[]>();
  const optIn = new Set<OptInGroup>(options.optIn === true ? ['attnResult', 'splitQkvInput'] : Array.isArray(options.optIn) ? options.optIn : []);
  const allNames = () => hookPointNames(cfg, slots, true);
  for (const h of options.hooks ?? []) {
    if (!isGradHook(h)) {
      forwardHooks.push(h as Hook);
      continue;
    }
    if (typeof h.name !== 'string' || !hookPointFor(cfg, h.name, slots)) throw unknownNameError('hook point', String(h.name), allNames(), '(model.hookPoints({ optIn: true }) lists them all)');
    if (typeof h.grad !== 'function') throw new MarrUsageError(`grad hook "${h.name}": grad must be a function (gradient, ctx) => replacement | void`);
    const others = h as { edit?: unknown; observe?: unknown; fn?: unknown };
    if (others.edit !== undefined || others.observe !== undefined || others.fn !== undefined) {
      throw new MarrUsageError(`hook "${h.name}": give either grad (a backward hook) or one of observe/edit/fn, not both; pass two hooks`);
    }
    const opt = hookPointSpec(h.name)!.spec.optIn;
    if (opt) optIn.add(opt);
    gradHooks.set(h.name, [...(gradHooks.get(h.name) ?? []), h]);
  }

  // wrt: hook points and weights
  const wrtPoints = new Set<string>();
  const wrtWeights = new Map<string, string>(); // given name -> full weight name
  for (const name of options.wrt) {
    if (typeof name !== 'string') throw new MarrUsageError(`runWithGrad: wrt entries must be names (strings), got ${JSON.stringify(name)}`);
    const point = hookPointFor(cfg, name, slots);
    if (point) {
      if (point.spec.optIn) optIn.add(point.spec.optIn);
      wrtPoints.add(name);
      continue;
    }
    const full = resolveWeight(model.weights, name);
    if (full) {
      wrtWeights.set(name, full);
      continue;
    }
    const valid = [...allNames(), ...model.weights.keys(), ...Object.keys(WEIGHT_ALIASES).filter((a) => model.weights.has(WEIGHT_ALIASES[a]))];
    const near = nearestName(name, valid);
    throw new MarrUsageError(
      `runWithGrad: unknown wrt name "${name}"${near ? `; did you mean "${near}"?` : ''} wrt takes hook point names (model.hookPoints({ optIn: true }) lists them, e.g. ${allNames().slice(0, 3).map((n) => `"${n}"`).join(', ')}) and weight names (model.weightNames(), or the aliases W_E, W_pos, W_U, b_U)`,
    );
  }
  for (const n of metric.reads ?? []) {
    if (typeof n !== 'string' || !hookPointFor(cfg, n, slots)) throw unknownNameError(`hook point read by metric "${metric.name}"`, String(n), allNames(), '');
    const opt = hookPointSpec(n)!.spec.optIn;
    if (opt) optIn.add(opt);
  }
  for (const n of [...gradHooks.keys(), ...wrtPoints]) {
    if (hookPointSpec(n)!.spec.optIn === 'splitQkvInput') {
      throw new MarrUsageError(`runWithGrad: "${n}" is one of the opt-in split q/k/v inputs (hook_q_input, hook_k_input, hook_v_input), which runWithGrad does not differentiate; take the gradient at hook_resid_pre or ln1.hook_normalized instead`);
    }
  }

  // accumulate: weight-shaped float32 tensors
  const accumulate = new Map<string, Float32Array>();
  for (const [name, t] of options.accumulate ?? new Map<string, Float32Tensor>()) {
    const full = resolveWeight(model.weights, name);
    if (!full) throw unknownNameError('weight in accumulate', name, [...model.weights.keys()], '(accumulate takes weight names and tensors shaped like the weights)');
    const w = model.weights.get(full)!;
    if (!t || t.dtype !== 'float32' || !(t.data instanceof Float32Array) || t.shape.length !== w.shape.length || t.shape.some((d, i) => d !== w.shape[i])) {
      throw new MarrUsageError(`runWithGrad: accumulate["${name}"] must be a float32 tensor of the weight's shape [${w.shape.join(', ')}], got ${t?.dtype ?? 'nothing'} [${t?.shape?.join(', ') ?? ''}]`);
    }
    accumulate.set(full, t.data);
  }

  // tokens, positions, masks
  const batchInput = isTokenBatch(tokens) ? tokens : null;
  if (batchInput && options.attentionMask) throw new MarrUsageError('runWithGrad: the token batch already carries its attentionMask; do not pass attentionMask too');
  const input = prepareTokens(batchInput ? batchInput.tokens : (tokens as TokenInput), batchInput ? batchInput.attentionMask : options.attentionMask, cfg.dVocab);
  const { batch: B, seq: T } = input;
  const positions = positionIds(input.mask, B, T, new Array<number>(B).fill(0));
  if (cfg.positional === 'learned') checkContext({ cfg }, positions);
  if (T > cfg.nCtx) throw new RangeError(`runWithGrad: sequence length ${T} exceeds the model's context of ${cfg.nCtx} positions; shorten the input`);

  // the forward hooks and cache (the metric's reads are cached too)
  const userKeep = cacheFilterPredicate(options.cache);
  if (Array.isArray(options.cache)) for (const n of options.cache as string[]) if (!hookPointFor(cfg, n, slots)) throw unknownNameError('hook point', n, allNames(), '(in the cache list)');
  const reads = new Set(metric.reads ?? []);
  const registry = new HookRegistry({
    hooks: forwardHooks, cfg, slots, optIn: [...optIn],
    cache: reads.size === 0 ? options.cache : (n: string) => userKeep(n) || reads.has(n),
  });
  if (registry.optIn.has('splitQkvInput')) {
    throw new MarrUsageError('runWithGrad: the opt-in split q/k/v inputs (splitQkvInput: hook_q_input, hook_k_input, hook_v_input) are not differentiated; leave that group out of optIn and hook hook_resid_pre or ln1.hook_normalized instead');
  }
  const tape = new Tape(k);
  const points = new GradPoints(tape, registry, gradHooks, wrtPoints);

  // weight gradient buffers (TransformerLens layout)
  const weightGrads = new Map<string, FloatArray>();
  for (const [full, data] of accumulate) weightGrads.set(full, data);
  for (const full of wrtWeights.values()) if (!weightGrads.has(full)) weightGrads.set(full, k.alloc(model.weights.get(full)!.data.length));

  const w = new GradWeights(cfg, model.weights, k, model.fusedWeights);
  const allowed = attentionAllowed(input.mask, B, T);
  let additive: Float32Array | null = null;
  const additiveMask = (): Float32Array => {
    if (additive) return additive;
    additive = new Float32Array(allowed.length);
    for (let i = 0; i < allowed.length; i++) if (!allowed[i]) additive[i] = MASKED;
    return additive;
  };
  const logits = await gradForward({
    cfg, k, tape, points, w, weightGrads, batch: B, seq: T,
    tokens: input.tokens.data, positions: positions.data,
    allowed, padded: input.mask.includes(0), additiveMask, rowLive: liveRows(allowed, B, T),
    rotary: cfg.positional === 'rotary' ? rotaryTables(positions.data, cfg.rotaryDim, cfg.rotaryBase, cfg.rotaryStyle) : null,
    attnResult: registry.optIn.has('attnResult'),
  }, schedule);

  // the metric and its gradients
  const logitsShape = [B, T, cfg.dVocab];
  const metricCache = new ActivationCache(registry.cache, { config: cfg, weights: model.weights }, { schedule });
  const mask = intTensor([B, T], Array.from(input.mask));
  const out: GradMetricOutput = metric.evaluate({ logits: indexed(asTensor(logitsShape, logits)), cache: metricCache, tokens: input.tokens, attentionMask: mask });
  if (!out || typeof out.value !== 'number') throw new MarrUsageError(`runWithGrad: metric "${metric.name}" must return { value: number, dLogits?, dActivations? }`);
  if (out.dLogits) {
    if (out.dLogits.data.length !== logits.length) throw new MarrUsageError(`runWithGrad: metric "${metric.name}" returned dLogits of shape [${out.dLogits.shape.join(', ')}] but the logits have shape [${logitsShape.join(', ')}]`);
    // a metric's fresh dLogits in the kernels' precision is used as it is (the tape never writes into it)
    const d = out.dLogits.data as FloatArray;
    tape.accumulate(logits, d.constructor === logits.constructor && d !== logits ? d : toKernel(k, d), true);
  }
  for (const [name, g] of out.dActivations ?? new Map<string, Float32Tensor>()) {
    const v = points.values.get(name);
    if (!v || !reads.has(name)) throw new MarrUsageError(`runWithGrad: metric "${metric.name}" returned a gradient for "${name}", which is not in its reads (${[...reads].join(', ') || 'none'}); list every hook point it reads in reads`);
    if (g.data.length !== v.data.length) throw new MarrUsageError(`runWithGrad: metric "${metric.name}" returned a gradient of shape [${g.shape.join(', ')}] for "${name}", which has shape [${v.shape.join(', ')}]`);
    tape.accumulate(v.data, toKernel(k, g.data), true);
  }
  await tape.backward(Number.isFinite(points.stopAt) ? points.stopAt : tape.length);

  // results in float32
  const grads = new Map<string, IndexedTensor>();
  for (const name of options.wrt) {
    if (wrtPoints.has(name)) {
      const found = hookPointSpec(name)!;
      const shape = hookPointShape(cfg, found.spec, B, T);
      const g = points.grads.get(name) ?? new Float32Array(shape.reduce((a, x) => a * x, 1));
      grads.set(name, indexed({ dtype: 'float32', shape, data: toFloat32(g) }));
    } else {
      const full = wrtWeights.get(name)!;
      const wt = model.weights.get(full)!;
      const acc = options.accumulate?.get(name) ?? options.accumulate?.get(full);
      grads.set(name, indexed(acc ?? { dtype: 'float32', shape: [...wt.shape], data: toFloat32(weightGrads.get(full)!) }));
    }
  }
  const resultCache = new Map<string, Float32Tensor>();
  for (const [n, t] of registry.cache) if (userKeep(n)) resultCache.set(n, t.data instanceof Float32Array ? t : { dtype: 'float32', shape: t.shape, data: toFloat32(t.data) });
  return {
    value: out.value,
    logits: indexed({ dtype: 'float32', shape: logitsShape, data: toFloat32(logits) }),
    cache: new ActivationCache(resultCache, { config: cfg, weights: model.weights }, { schedule }),
    grads,
  };
}

/** A gradient from a metric in the kernels' precision (a fresh array the tape may keep). */
function toKernel(k: Kernels, data: ArrayLike<number>): FloatArray {
  const out = k.alloc(data.length);
  out.set(data);
  return out;
}
