/**
 * The one transformer implementation behind every architecture: runs token ids through the layer
 * functions in `layers/` with hooks, caching and a layer schedule.
 */
import type { Backend } from '../backend/backend.js';
import { createOrtBackend, loadOnnxRuntime, type Device } from '../backend/ort-backend.js';
import { createReferenceBackend } from '../backend/reference-backend.js';
import { createRng } from '../random/rng.js';
import { settings } from '../settings.js';
import { tensor, type Float32Tensor } from '../tensor/tensor.js';
import { indexed } from '../tensor/indexing.js';
import { ActivationCache } from './activation-cache.js';
import { checkGenerateOptions, checkRunOptions } from './run-options.js';
import { isTokenBatch, leftPad } from './token-batch.js';
import { validateConfig, type ModelConfig } from './config.js';
import { DerivedWeights } from './derived-weights.js';
import { HookRegistry } from './hook-registry.js';
import { hookPointNames, unknownNameError } from './hook-points.js';
import { causalMask, positionIds, prepareTokens } from './input.js';
import type { KvEntry } from './layers/attention.js';
import { block } from './layers/block.js';
import { canDecodeInWasm, releaseWasmKv, wasmDecodeBlock } from './wasm-decode.js';
import { canFuse, fusedSegment, FUSION_MAX_WEIGHTS, MULTI_BLOCK_FUSION_MAX_WEIGHTS } from './fused/fused-segment.js';
import { rotaryTables } from './fused/block-graph.js';
import type { LayerContext } from './layers/context.js';
import { checkContext, embed } from './layers/embed.js';
import { applyNorm, norm } from './layers/norm.js';
import { unembed } from './layers/unembed.js';
import { sampleToken } from './sampling.js';
import { runWithGrad } from '../grad/run-with-grad.js';
import { FusedWeightCache } from '../grad/weight-layout.js';
import type {
  GradResult,
  RunWithGradOptions,
  GenerateOptions,
  GenerateResult,
  HookedTransformer,
  IndexedTensor,
  LayerSchedule,
  ModelSource,
  RunOptions,
  RunResult,
  TokenBatch,
  TokenInput,
  Tokenizer,
} from './types.js';
import { WEIGHT_ALIASES, validateWeights, type WeightMap } from './weights.js';

export type BackendChoice = 'onnxruntime' | 'reference' | Backend;

export interface CreateModelOptions {
  config: ModelConfig;
  weights: WeightMap;
  tokenizer?: Tokenizer | null;
  source?: ModelSource;
  /** Default: $MARR_BACKEND, else onnxruntime when the native module loads, else reference. */
  backend?: BackendChoice;
  /** Threads for the onnxruntime backend. */
  threads?: number;
  /** Where the onnxruntime backend runs: cpu (default, or $MARR_DEVICE) or cuda. */
  device?: Device;
  /**
   * Run blocks that no edit hook touches as fused graphs (default: true for models of at most
   * FUSION_MAX_WEIGHTS weights, unless MARR_FUSED=0); the per-kernel path gives the same values within
   * float32 rounding.
   */
  fused?: boolean;
}

export function resolveBackend(choice: BackendChoice | undefined, threads?: number, device?: Device): Backend {
  if (choice && typeof choice === 'object') return choice;
  const name = choice ?? settings().backend ?? (loadOnnxRuntime() ? 'onnxruntime' : 'reference');
  if (name === 'reference') {
    if (device && device !== 'cpu') throw new Error(`device "${device}" needs the onnxruntime backend; the reference backend runs on the CPU only`);
    return createReferenceBackend();
  }
  if (name === 'onnxruntime') return createOrtBackend({ threads, device });
  throw new Error(`unknown backend "${String(name)}"; use "onnxruntime" or "reference"`);
}

/** Incremental decoding state: keys/values per schedule slot and tokens seen per row. */
interface DecodeState {
  kv: (KvEntry | null)[];
  keyMask: Uint8Array[];
  seen: number[];
  past: number;
}

class HookedTransformerImpl implements HookedTransformer {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer | null;
  readonly source: ModelSource;
  readonly weights: WeightMap;
  private readonly backend: Backend;
  private readonly derived: DerivedWeights;
  /** Fused weights of runWithGrad (W_Q, W_K, W_V side by side), dropped by setWeight and weightsUpdated. */
  private readonly fusedWeights = new FusedWeightCache();
  private readonly fused: boolean;
  /** Small models run several blocks per fused graph (see MULTI_BLOCK_FUSION_MAX_WEIGHTS). */
  private readonly multiBlockFusion: boolean;

  constructor(opts: CreateModelOptions) {
    this.config = validateConfig({ ...opts.config }, opts.source?.spec ?? 'model');
    validateWeights(this.config, opts.weights, opts.source?.spec ?? 'model');
    this.weights = opts.weights;
    this.tokenizer = opts.tokenizer ?? null;
    this.source = opts.source ?? { spec: 'memory', format: 'memory', files: [] };
    this.backend = resolveBackend(opts.backend, opts.threads, opts.device);
    this.derived = new DerivedWeights(this.backend);
    let count = 0;
    for (const w of this.weights.values()) count += w.data.length;
    this.fused = opts.fused ?? (settings().fused && count <= FUSION_MAX_WEIGHTS);
    this.multiBlockFusion = count <= MULTI_BLOCK_FUSION_MAX_WEIGHTS;
  }

  get backendName(): string {
    return this.backend.name;
  }

  hookPoints(options: { optIn?: boolean } = {}): string[] {
    return hookPointNames(this.config, this.config.nLayers, options.optIn ?? false);
  }

  weightNames(): string[] {
    return [...this.weights.keys()];
  }

  private resolveWeightName(name: string): string {
    const full = WEIGHT_ALIASES[name] ?? name;
    if (!this.weights.has(full)) throw unknownNameError('weight', name, this.weightNames(), '(model.weightNames() lists them all)');
    return full;
  }

  getWeight(name: string): Float32Tensor {
    return this.weights.get(this.resolveWeightName(name))!;
  }

  setWeight(name: string, value: Float32Tensor): void {
    const full = this.resolveWeightName(name);
    const old = this.weights.get(full)!;
    if (value.dtype !== 'float32' || value.shape.length !== old.shape.length || value.shape.some((d, i) => d !== old.shape[i])) {
      throw new RangeError(`setWeight(${name}): expected a float32 tensor of shape [${old.shape}] but got [${value.shape}]`);
    }
    for (const arr of new Set([old.data, value.data])) {
      this.backend.release(arr);
      this.derived.invalidate(arr);
      this.fusedWeights.invalidate(arr);
    }
    this.weights.set(full, value);
    this.weightGroups = null;
  }

  weightsUpdated(names?: readonly string[]): void {
    if (names !== undefined && !Array.isArray(names)) throw new TypeError('weightsUpdated: pass an array of weight names, or nothing for all weights');
    const full = names ? names.map((n) => this.resolveWeightName(n)) : [...this.weights.keys()];
    for (const n of full) {
      const arr = this.weights.get(n)!.data;
      this.backend.release(arr);
      this.derived.invalidate(arr);
      this.fusedWeights.invalidate(arr);
    }
  }

  async runWithGrad(tokens: TokenInput, options: RunWithGradOptions): Promise<GradResult> {
    return runWithGrad(
      { config: this.config, weights: this.weights, backend: this.backend, fusedWeights: this.fusedWeights, schedule: (s) => this.schedule({ schedule: s }) },
      tokens,
      options,
    );
  }

  /** Weight arrays per block and of the head (final norm, unembedding), grouped once; reset by setWeight. */
  private weightGroups: Map<string, Float32Array[]> | null = null;

  private weightArrays(layers: readonly number[], final: boolean): Float32Array[] {
    if (!this.weightGroups) {
      const groups = new Map<string, Float32Array[]>();
      for (const [name, t] of this.weights) {
        const m = /^blocks\.(\d+)\./.exec(name);
        const key = m ? m[1] : name.startsWith('ln_final.') || name.startsWith('unembed.') ? 'head' : 'other';
        const list = groups.get(key) ?? [];
        list.push(t.data);
        groups.set(key, list);
      }
      this.weightGroups = groups;
    }
    const out: Float32Array[] = [];
    for (const l of layers) out.push(...(this.weightGroups.get(String(l)) ?? []));
    if (final) out.push(...(this.weightGroups.get('head') ?? []));
    return out;
  }

  private schedule(options: RunOptions): LayerSchedule {
    const s = options.schedule ?? Array.from({ length: this.config.nLayers }, (_, i) => i);
    if (!Array.isArray(s)) throw new TypeError('schedule must be an array of block indices, e.g. [0, 2, 3]');
    for (const l of s) {
      if (!Number.isInteger(l) || l < 0 || l >= this.config.nLayers) {
        throw new RangeError(`schedule: block index ${l} is out of range; this model has blocks 0..${this.config.nLayers - 1}`);
      }
    }
    if (options.stopAtLayer !== undefined) {
      if (!Number.isInteger(options.stopAtLayer) || options.stopAtLayer < 0 || options.stopAtLayer > s.length) {
        throw new RangeError(`stopAtLayer must be an integer between 0 and ${s.length}, got ${options.stopAtLayer}`);
      }
      return s.slice(0, options.stopAtLayer);
    }
    return s;
  }

  private layerContext(hooks: HookRegistry): LayerContext {
    return { ...this.weightAccess(), backend: this.backend, hooks, derived: this.derived, fused: this.fused, weightArrays: (layers, final) => this.weightArrays(layers, final) };
  }

  private weightAccess(): Pick<LayerContext, 'cfg' | 'weight' | 'optionalWeight'> {
    return {
      cfg: this.config,
      weight: (n) => {
        const w = this.weights.get(n);
        if (!w) throw new Error(`internal: missing weight ${n}`);
        return w;
      },
      optionalWeight: (n) => this.weights.get(n),
    };
  }

  async run(tokens: TokenInput, options: RunOptions = {}): Promise<RunResult> {
    checkRunOptions(options, 'run');
    const r = await this.forward(tokens, options, null, { lastOnly: false, keepKv: false });
    return r.result;
  }

  async runWithCache(tokens: TokenInput, options: RunOptions = {}): Promise<RunResult> {
    checkRunOptions(options, 'runWithCache');
    return this.run(tokens, { ...options, cache: options.cache ?? true });
  }

  finalNorm(resid: Float32Tensor, options: { scale?: Float32Tensor } = {}): IndexedTensor {
    assertLastAxis(resid, this.config.dModel, 'finalNorm');
    if (options.scale) {
      const want = [...resid.shape.slice(0, -1), 1];
      if (options.scale.shape.length !== want.length || options.scale.shape.some((d, i) => d !== want[i])) {
        throw new RangeError(`finalNorm: scale must have shape [${want.join(', ')}] (one divisor per row, e.g. a cached ln_final.hook_scale) but has [${options.scale.shape.join(', ')}]`);
      }
    }
    return indexed(applyNorm(this.weightAccess(), resid, 'ln_final', null, options.scale));
  }

  async unembed(x: Float32Tensor): Promise<IndexedTensor> {
    assertLastAxis(x, this.config.dModel, 'unembed');
    const rows = x.data.length / this.config.dModel;
    const flat = tensor([rows, this.config.dModel], x.data);
    const out = await this.backend.linear(flat, this.getWeight('unembed.W_U'), this.weights.get('unembed.b_U'));
    return indexed(tensor([...x.shape.slice(0, -1), this.config.dVocab], out.data));
  }

  toTokens(input: string | readonly string[], options: { prependBos?: boolean } = {}): TokenBatch {
    const tok = this.requireTokenizer('toTokens');
    const texts = typeof input === 'string' ? [input] : [...input];
    if (texts.length === 0) throw new RangeError('toTokens: pass at least one prompt');
    const rows = texts.map((t) => tok.encode(t, { addBos: options.prependBos ?? tok.bosTokenId !== null }));
    return leftPad(rows, this.config.eosTokenId ?? this.config.bosTokenId ?? 0);
  }

  toStrTokens(input: string | readonly number[], options: { prependBos?: boolean } = {}): string[] {
    const tok = this.requireTokenizer('toStrTokens');
    const ids = typeof input === 'string' ? tok.encode(input, { addBos: options.prependBos ?? tok.bosTokenId !== null }) : input;
    return ids.map((id) => tok.tokenString(id));
  }

  toSingleToken(text: string): number {
    const tok = this.requireTokenizer('toSingleToken');
    const ids = tok.encode(text, { addBos: false });
    if (ids.length !== 1) {
      throw new RangeError(`toSingleToken: "${text}" is ${ids.length} tokens (${ids.map((i) => JSON.stringify(tok.tokenString(i))).join(', ')}), not one; pick a string the tokenizer keeps whole (model.toStrTokens shows the split)`);
    }
    return ids[0];
  }

  private requireTokenizer(what: string): Tokenizer {
    if (!this.tokenizer) throw new Error(`${what}: this model has no tokenizer; load it with one (e.g. loadModel(path, { tokenizer }))`);
    return this.tokenizer;
  }

  private async forward(
    tokens: TokenInput,
    options: RunOptions,
    state: DecodeState | null,
    how: { lastOnly: boolean; keepKv: boolean },
  ): Promise<{ result: RunResult; state: DecodeState }> {
    const cfg = this.config;
    const schedule = this.schedule(options);
    const fullLength = (options.schedule ?? schedule).length;
    const hooks = new HookRegistry({ hooks: options.hooks ?? [], cache: options.cache, cfg, slots: fullLength, optIn: options.optIn });
    const batchInput = isTokenBatch(tokens) ? tokens : null;
    if (batchInput && options.attentionMask) throw new Error('run: the token batch already carries its attentionMask; do not pass attentionMask too');
    const input = prepareTokens(batchInput ? batchInput.tokens : (tokens as TokenInput), batchInput ? batchInput.attentionMask : options.attentionMask, cfg.dVocab);
    const { batch: B, seq: T } = input;
    const past = state?.past ?? 0;
    if (state && state.seen.length !== B) throw new RangeError('decode state batch size differs from the input');
    const seen = state?.seen ?? new Array<number>(B).fill(0);
    const positions = positionIds(input.mask, B, T, seen);
    const keyMask = new Uint8Array(B * (past + T));
    for (let b = 0; b < B; b++) {
      if (state) keyMask.set(state.keyMask[b], b * (past + T));
      keyMask.set(input.mask.subarray(b * T, (b + 1) * T), b * (past + T) + past);
    }
    const mask = causalMask(keyMask, B, T, past);
    const ctx = this.layerContext(hooks);
    hooks.setPlace({ tokenOffset: past, decoding: state !== null || how.keepKv });

    const start = options.startAt ? this.checkStartAt(options.startAt, schedule.length, B, T, hooks) : 0;
    let resid: Float32Tensor;
    if (options.startAt) {
      if (cfg.positional === 'learned') checkContext(ctx, positions);
      resid = options.startAt.residual;
    } else resid = await embed(ctx, input.tokens, positions);
    const kvOut: (KvEntry | null)[] = new Array<KvEntry | null>(schedule.length).fill(null);
    let rotary: { cos: Float32Tensor; sin: Float32Tensor } | null = null;
    let logits: Float32Tensor | null = null;
    let finalDone = false;
    const wantFinal = options.stopAtLayer === undefined;
    for (let i = start; i < schedule.length; ) {
      const wasmStep = canDecodeInWasm(ctx, i, B, T) ? wasmDecodeBlock(ctx, resid, positions, mask, state?.kv[i] ?? null, { slot: i, layer: schedule[i] }) : null;
      if (wasmStep) {
        resid = wasmStep.resid;
        if (how.keepKv) kvOut[i] = wasmStep.kv;
        i++;
        continue;
      }
      if (!canFuse(ctx, i, B * T)) {
        const r = await block(ctx, resid, positions, mask, state?.kv[i] ?? null, { slot: i, layer: schedule[i] });
        resid = r.resid;
        if (how.keepKv) kvOut[i] = r.kv;
        i++;
        continue;
      }
      let j = i + 1;
      while (this.multiBlockFusion && j < schedule.length && canFuse(ctx, j, B * T)) j++;
      const final = wantFinal && j === schedule.length && this.multiBlockFusion && !hooks.editsAtFinal()
        ? { logits: options.returnLogits !== false, lastOnly: how.lastOnly }
        : null;
      if (cfg.positional === 'rotary' && !rotary) rotary = rotaryTables(cfg, positions);
      const slots = Array.from({ length: j - i }, (_, k) => ({ slot: i + k, layer: schedule[i + k] }));
      const r = await fusedSegment(ctx, resid, rotary, mask, slots.map((s) => state?.kv[s.slot] ?? null), slots, how.keepKv, final);
      resid = r.resid;
      r.kv.forEach((e, k) => (kvOut[i + k] = e));
      if (final) {
        logits = r.logits;
        finalDone = true;
      }
      i = j;
    }
    if (wantFinal && !finalDone) {
      const normalized = await norm(ctx, resid, 'ln_final', '', { slot: null, layer: null });
      if (options.returnLogits !== false) logits = await unembed(ctx, normalized, how.lastOnly);
    }
    const newSeen = seen.map((s, b) => s + input.mask.subarray(b * T, (b + 1) * T).reduce((a, x) => a + x, 0));
    const newKeyMask = Array.from({ length: B }, (_, b) => keyMask.slice(b * (past + T), (b + 1) * (past + T)));
    return {
      result: { logits: logits && indexed(logits), residual: indexed(resid), cache: new ActivationCache(hooks.cache, this, { schedule }) },
      state: { kv: kvOut, keyMask: newKeyMask, seen: newSeen, past: past + T },
    };
  }

  /** Validates `startAt` and returns the slot to start from. */
  private checkStartAt(startAt: NonNullable<RunOptions['startAt']>, slots: number, B: number, T: number, hooks: HookRegistry): number {
    const { layer, residual } = startAt;
    if (!Number.isInteger(layer) || layer < 0 || layer > slots) throw new RangeError(`startAt.layer must be a schedule slot between 0 and ${slots}, got ${layer}`);
    const want = [B, T, this.config.dModel];
    if (!residual || residual.dtype !== 'float32' || residual.shape.length !== 3 || residual.shape.some((d, i) => d !== want[i])) {
      throw new RangeError(`startAt.residual must have shape [${want.join(', ')}] (batch, seq, dModel for these tokens, float32), got [${residual?.shape?.join(', ') ?? 'nothing'}]`);
    }
    for (const name of hooks.hookedNames()) {
      const slot = /^blocks\.(\d+)\./.exec(name);
      const before = slot ? Number(slot[1]) < layer : !name.startsWith('ln_final');
      if (before) throw new RangeError(`hook "${name}" is before startAt.layer ${layer}, so it would never run; remove it or start earlier`);
    }
    return layer;
  }

  async generate(prompt: string | readonly number[], options: GenerateOptions): Promise<GenerateResult> {
    checkGenerateOptions(options);
    let ids: number[];
    if (typeof prompt === 'string') ids = this.requireTokenizer('generate').encode(prompt);
    else ids = [...prompt];
    const max = options.maxNewTokens;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`generate: maxNewTokens must be a non-negative integer, got ${max}`);
    if (ids.length + max > this.config.nCtx) {
      throw new RangeError(`generate: prompt (${ids.length} tokens) plus maxNewTokens (${max}) exceeds the model's context of ${this.config.nCtx}`);
    }
    const rng = createRng(options.seed ?? 0);
    const runOptions: RunOptions = { hooks: options.hooks, schedule: options.schedule, optIn: options.optIn };
    const out: number[] = [];
    let state: DecodeState | null = null;
    let next: readonly number[] = ids;
    try {
      for (let step = 0; step < max; step++) {
        const r: { result: RunResult; state: DecodeState } = await this.forward(next, runOptions, state, { lastOnly: true, keepKv: true });
        state = r.state;
        const logits = r.result.logits!;
        const V = this.config.dVocab;
        const row = logits.data.subarray(logits.data.length - V);
        const tok = sampleToken(row, options.temperature ?? 0, options.topK, rng);
        out.push(tok);
        if ((options.stopAtEos ?? true) && tok === this.config.eosTokenId) break;
        next = [tok];
      }
    } finally {
      if (state) releaseWasmKv(state.kv);
    }
    const all = [...ids, ...out];
    const text = this.tokenizer ? this.tokenizer.decode(all) : all.join(' ');
    return { tokens: all, newTokens: out, text };
  }

  async dispose(): Promise<void> {
    await this.backend.dispose();
  }
}

/** Wraps a config and weights (in marr's TransformerLens layout) into a runnable hooked model. */
export function createHookedTransformer(options: CreateModelOptions): HookedTransformer & { readonly backendName: string } {
  return new HookedTransformerImpl(options);
}


function assertLastAxis(x: Float32Tensor, d: number, what: string): void {
  if (!x || x.dtype !== 'float32' || x.shape.length < 1 || x.shape[x.shape.length - 1] !== d) {
    throw new RangeError(`${what}: expected a float32 tensor whose last axis is dModel = ${d}, got shape [${x?.shape?.join(', ') ?? 'nothing'}]`);
  }
}
