/**
 * The one transformer implementation behind every architecture: runs token ids through the layer
 * functions in `layers/` with hooks, caching and a layer schedule.
 */
import type { Backend } from '../backend/backend.js';
import { createOrtBackend, loadOnnxRuntime } from '../backend/ort-backend.js';
import { createReferenceBackend } from '../backend/reference-backend.js';
import { createRng } from '../random/rng.js';
import type { Float32Tensor } from '../tensor/tensor.js';
import { validateConfig, type ModelConfig } from './config.js';
import { DerivedWeights } from './derived-weights.js';
import { HookRegistry } from './hook-registry.js';
import { hookPointNames, unknownNameError } from './hook-points.js';
import { causalMask, positionIds, prepareTokens } from './input.js';
import type { KvEntry } from './layers/attention.js';
import { block } from './layers/block.js';
import type { LayerContext } from './layers/context.js';
import { embed } from './layers/embed.js';
import { norm } from './layers/norm.js';
import { unembed } from './layers/unembed.js';
import { sampleToken } from './sampling.js';
import type {
  GenerateOptions,
  GenerateResult,
  HookedTransformer,
  LayerSchedule,
  ModelSource,
  RunOptions,
  RunResult,
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
}

export function resolveBackend(choice: BackendChoice | undefined, threads?: number): Backend {
  if (choice && typeof choice === 'object') return choice;
  const name = choice ?? (process.env.MARR_BACKEND as BackendChoice | undefined) ?? (loadOnnxRuntime() ? 'onnxruntime' : 'reference');
  if (name === 'reference') return createReferenceBackend();
  if (name === 'onnxruntime') return createOrtBackend({ threads });
  throw new Error(`unknown backend "${String(name)}"; use "onnxruntime" or "reference"`);
}

/** Incremental decoding state: keys/values per schedule position and tokens seen per row. */
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

  constructor(opts: CreateModelOptions) {
    this.config = validateConfig({ ...opts.config }, opts.source?.spec ?? 'model');
    validateWeights(this.config, opts.weights, opts.source?.spec ?? 'model');
    this.weights = opts.weights;
    this.tokenizer = opts.tokenizer ?? null;
    this.source = opts.source ?? { spec: 'memory', format: 'memory', files: [] };
    this.backend = resolveBackend(opts.backend, opts.threads);
    this.derived = new DerivedWeights(this.backend);
  }

  get backendName(): string {
    return this.backend.name;
  }

  hookPoints(): string[] {
    return hookPointNames(this.config);
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
    }
    this.weights.set(full, value);
  }

  private schedule(options: RunOptions): LayerSchedule {
    const s = options.schedule ?? Array.from({ length: this.config.nLayers }, (_, i) => i);
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
    return {
      cfg: this.config,
      backend: this.backend,
      hooks,
      derived: this.derived,
      weight: (n) => {
        const w = this.weights.get(n);
        if (!w) throw new Error(`internal: missing weight ${n}`);
        return w;
      },
      optionalWeight: (n) => this.weights.get(n),
    };
  }

  async run(tokens: TokenInput, options: RunOptions = {}): Promise<RunResult> {
    const r = await this.forward(tokens, options, null, false);
    return r.result;
  }

  async runWithCache(tokens: TokenInput, options: RunOptions = {}): Promise<RunResult> {
    return this.run(tokens, { ...options, cache: options.cache ?? true });
  }

  private async forward(
    tokens: TokenInput,
    options: RunOptions,
    state: DecodeState | null,
    lastOnly: boolean,
  ): Promise<{ result: RunResult; state: DecodeState }> {
    const cfg = this.config;
    const schedule = this.schedule(options);
    const fullLength = (options.schedule ?? schedule).length;
    const hooks = new HookRegistry(options.hooks ?? [], options.cache, hookPointNames(cfg, fullLength));
    const input = prepareTokens(tokens, options.attentionMask, cfg.dVocab);
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

    let resid = embed(ctx, input.tokens, positions);
    const kvOut: (KvEntry | null)[] = [];
    for (let i = 0; i < schedule.length; i++) {
      const r = await block(ctx, resid, positions, mask, state?.kv[i] ?? null, { position: i, layer: schedule[i] });
      resid = r.resid;
      kvOut.push(r.kv);
    }
    let logits: Float32Tensor | null = null;
    if (options.stopAtLayer === undefined) {
      const normalized = norm(ctx, resid, 'ln_final', '', { position: null, layer: null });
      if (options.returnLogits !== false) logits = await unembed(ctx, normalized, lastOnly);
    }
    const newSeen = seen.map((s, b) => s + input.mask.subarray(b * T, (b + 1) * T).reduce((a, x) => a + x, 0));
    const newKeyMask = Array.from({ length: B }, (_, b) => keyMask.slice(b * (past + T), (b + 1) * (past + T)));
    return {
      result: { logits, residual: resid, cache: hooks.cache },
      state: { kv: kvOut, keyMask: newKeyMask, seen: newSeen, past: past + T },
    };
  }

  async generate(prompt: string | readonly number[], options: GenerateOptions): Promise<GenerateResult> {
    let ids: number[];
    if (typeof prompt === 'string') {
      if (!this.tokenizer) throw new Error('generate: this model has no tokenizer; pass token ids or load the model with a tokenizer');
      ids = this.tokenizer.encode(prompt);
    } else ids = [...prompt];
    const max = options.maxNewTokens;
    if (!Number.isInteger(max) || max < 0) throw new RangeError(`generate: maxNewTokens must be a non-negative integer, got ${max}`);
    if (ids.length + max > this.config.nCtx) {
      throw new RangeError(`generate: prompt (${ids.length} tokens) plus maxNewTokens (${max}) exceeds the model's context of ${this.config.nCtx}`);
    }
    const rng = createRng(options.seed ?? 0);
    const runOptions: RunOptions = { hooks: options.hooks, schedule: options.schedule };
    const out: number[] = [];
    let state: DecodeState | null = null;
    let next: readonly number[] = ids;
    for (let step = 0; step < max; step++) {
      const r: { result: RunResult; state: DecodeState } = await this.forward(next, runOptions, state, true);
      state = r.state;
      const logits = r.result.logits!;
      const V = this.config.dVocab;
      const row = logits.data.subarray(logits.data.length - V);
      const tok = sampleToken(row, options.temperature ?? 0, options.topK, rng);
      out.push(tok);
      if ((options.stopAtEos ?? true) && tok === this.config.eosTokenId) break;
      next = [tok];
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

