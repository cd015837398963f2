/**
 * The activations of one forward pass, by hook-point name, with TransformerLens's residual-stream
 * toolkit on top: accumulated and decomposed residuals, per-head results, the final (or a block's) norm
 * applied to a stack of components, and direct logit attribution.
 *
 * Stacks are `[component, batch, pos, dModel]` tensors with one label per component. Labels follow
 * TransformerLens: `0_pre`, `0_mid`, `final_post` (accumulated), `embed`, `pos_embed`, `0_attn_out`,
 * `0_mlp_out` (decomposed) and `L0H3` (heads).
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/tensor.js';
import { indexed } from '../tensor/indexing.js';
import type { ModelConfig } from './config.js';
import { unknownNameError } from './hook-points.js';
import type { IndexedTensor, LayerSchedule } from './types.js';

/** What the cache needs of a model: its config and its weights by full name (a HookedTransformer fits). */
export interface ActivationCacheModel {
  readonly config: ModelConfig;
  readonly weights: ReadonlyMap<string, Float32Tensor>;
}

export interface ActivationCacheOptions {
  /** The layer schedule of the run (hook names count schedule slots); default every block once. */
  schedule?: LayerSchedule;
}

/** Components of the residual stream: `stack` is [component, batch, pos, dModel], one label each. */
export interface ComponentStack {
  labels: string[];
  stack: IndexedTensor;
}

/**
 * A stack after a norm: each component's share of the norm's output is `stack[c]` (centred for
 * LayerNorm, divided by the scale, times the norm's weight); the norm's bias (LayerNorm only) belongs to
 * no component and is `bias` ([dModel], or null). Summing the stack and adding `bias` gives the norm's
 * output when the scale is the frozen scale of the summed residual.
 */
export interface NormedStack extends ComponentStack {
  bias: Float32Tensor | null;
}

export interface NormOptions {
  /**
   * Which norm: the final norm when `layer` is the number of schedule slots (the default), else block
   * slot `layer`'s ln1 (its ln2 with `mlpInput`).
   */
  layer?: number;
  mlpInput?: boolean;
  /**
   * true (default): divide by the scale cached for the whole residual at that norm (TransformerLens's
   * default: the attribution of the components then adds up). false: recompute the scale of each
   * component on its own (the logit lens of each component).
   */
  frozenScale?: boolean;
}

export interface AccumulatedResidOptions extends NormOptions {
  /** Include each block's `hook_resid_mid` (sequential blocks only). TransformerLens's spelling. */
  incl_mid?: boolean;
  /** Apply the norm that reads the last component (see NormOptions). */
  applyLn?: boolean;
}

export interface DecomposeResidOptions extends NormOptions {
  applyLn?: boolean;
}

/** Token ids: one for every row, one per batch row, or one per batch row and position. */
export type AttributionTokens = number | readonly number[] | readonly (readonly number[])[];

const HINT_CACHE = '(run with cache: true, or add the name to the cache filter)';

export class ActivationCache {
  private readonly scheduleOfRun: LayerSchedule | null;

  /**
   * `entries` is used as is, not copied: activations added to the map later are visible. `model` (a
   * HookedTransformer fits) is needed by the residual-stream methods, not by get/has/names.
   */
  constructor(
    private readonly entries: Map<string, Float32Tensor>,
    readonly model: ActivationCacheModel | null = null,
    options: ActivationCacheOptions = {},
  ) {
    this.scheduleOfRun = options.schedule ?? null;
  }

  private get cfg(): ModelConfig {
    if (!this.model) throw new Error('this ActivationCache was made without its model; pass the model to the constructor to use the residual-stream methods');
    return this.model.config;
  }

  private get schedule(): LayerSchedule {
    return this.scheduleOfRun ?? Array.from({ length: this.cfg.nLayers }, (_, i) => i);
  }

  /** The number of schedule slots (blocks run) this cache describes. */
  get slots(): number {
    return this.schedule.length;
  }

  /** The cached activation (with get/select/slice); throws, suggesting the nearest name, when it was not cached. */
  get(name: string): IndexedTensor {
    const t = this.entries.get(name);
    if (!t) {
      throw unknownNameError(
        'cached activation',
        name,
        [...this.entries.keys()],
        this.entries.size === 0 ? '(nothing was cached: pass cache: true or a list of names)' : '(only names kept by the cache filter are available)',
      );
    }
    return indexed(t);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  /** Adds or replaces an activation (used by the forward pass and by computeHeadResults). */
  set(name: string, value: Float32Tensor): void {
    this.entries.set(name, value);
  }

  private need(name: string, what: string): Float32Tensor {
    const t = this.entries.get(name);
    if (!t) throw new Error(`${what} needs ${name} in the cache ${HINT_CACHE}`);
    return t;
  }

  private checkLayer(layer: number | undefined, what: string): number {
    const S = this.schedule.length;
    const l = layer ?? S;
    if (!Number.isInteger(l) || l < 0 || l > S) throw new RangeError(`${what}: layer must be an integer in [0, ${S}], got ${layer}`);
    return l;
  }

  /**
   * The residual stream at every stage up to `layer` (default: all of them): `{l}_pre` for l = 0..layer
   * (with `{l}_mid` for l < layer when `incl_mid`), and `final_post` in place of `{S}_pre` when layer is
   * the number of slots S. Labels and order as TransformerLens's `accumulated_resid`.
   */
  accumulatedResid(options: AccumulatedResidOptions & { applyLn: true }): NormedStack;
  accumulatedResid(options?: AccumulatedResidOptions): ComponentStack;
  accumulatedResid(options: AccumulatedResidOptions = {}): ComponentStack | NormedStack {
    const S = this.schedule.length;
    const layer = this.checkLayer(options.layer, 'accumulatedResid');
    if (options.incl_mid && this.cfg.parallelAttnMlp) {
      throw new Error('accumulatedResid: incl_mid needs sequential blocks; this model runs attention and MLP in parallel, so there is no hook_resid_mid');
    }
    const parts: Float32Tensor[] = [];
    const labels: string[] = [];
    for (let l = 0; l <= layer; l++) {
      if (l === S) {
        parts.push(this.need(`blocks.${S - 1}.hook_resid_post`, 'accumulatedResid'));
        labels.push('final_post');
        continue;
      }
      parts.push(this.need(`blocks.${l}.hook_resid_pre`, 'accumulatedResid'));
      labels.push(`${l}_pre`);
      if ((options.incl_mid && l < layer) || (options.mlpInput && l === layer)) {
        parts.push(this.need(`blocks.${l}.hook_resid_mid`, 'accumulatedResid'));
        labels.push(`${l}_mid`);
      }
    }
    const stack = { labels, stack: stackOf(parts) };
    return options.applyLn ? this.applyLnToStack(stack, { layer, mlpInput: options.mlpInput, frozenScale: options.frozenScale }) : stack;
  }

  /**
   * The residual entering slot `layer` (default: the final residual) as a sum of its parts: `embed`,
   * `pos_embed` (learned positions only), then `{l}_attn_out` and `{l}_mlp_out` for every earlier slot
   * (and `{layer}_attn_out` with `mlpInput`). The parts sum to `blocks.{layer}.hook_resid_pre` (or the
   * last block's `hook_resid_post`).
   */
  decomposeResid(options: DecomposeResidOptions & { applyLn: true }): NormedStack;
  decomposeResid(options?: DecomposeResidOptions): ComponentStack;
  decomposeResid(options: DecomposeResidOptions = {}): ComponentStack | NormedStack {
    const layer = this.checkLayer(options.layer, 'decomposeResid');
    const parts: Float32Tensor[] = [this.need('hook_embed', 'decomposeResid')];
    const labels = ['embed'];
    if (this.cfg.positional === 'learned') {
      parts.push(this.need('hook_pos_embed', 'decomposeResid'));
      labels.push('pos_embed');
    }
    for (let l = 0; l < layer; l++) {
      parts.push(this.need(`blocks.${l}.hook_attn_out`, 'decomposeResid'));
      labels.push(`${l}_attn_out`);
      parts.push(this.need(`blocks.${l}.hook_mlp_out`, 'decomposeResid'));
      labels.push(`${l}_mlp_out`);
    }
    if (options.mlpInput) {
      if (layer === this.schedule.length) throw new RangeError('decomposeResid: mlpInput needs a block slot, not the final residual');
      parts.push(this.need(`blocks.${layer}.hook_attn_out`, 'decomposeResid'));
      labels.push(`${layer}_attn_out`);
    }
    const stack = { labels, stack: stackOf(parts) };
    return options.applyLn ? this.applyLnToStack(stack, options) : stack;
  }

  /**
   * Fills `blocks.{l}.attn.hook_result` ([batch, pos, head, dModel], each head's output before the sum
   * and without b_O) from the cached `hook_z` and W_O, for every slot that has hook_z and no result yet.
   */
  computeHeadResults(): void {
    const { nHeads: H, dHead: D, dModel: d } = this.cfg;
    for (let l = 0; l < this.schedule.length; l++) {
      const zName = `blocks.${l}.attn.hook_z`;
      const rName = `blocks.${l}.attn.hook_result`;
      const z = this.entries.get(zName);
      if (!z || this.entries.has(rName)) continue;
      const WO = this.weight(`blocks.${this.schedule[l]}.attn.W_O`);
      const [B, T] = z.shape;
      const out = new Float32Array(B * T * H * d);
      for (let r = 0; r < B * T; r++) {
        for (let h = 0; h < H; h++) {
          const zo = (r * H + h) * D;
          const oo = (r * H + h) * d;
          for (let k = 0; k < D; k++) {
            const zv = z.data[zo + k];
            if (zv === 0) continue;
            const wo = (h * D + k) * d;
            for (let j = 0; j < d; j++) out[oo + j] += zv * WO.data[wo + j];
          }
        }
      }
      this.entries.set(rName, tensor([B, T, H, d], out));
    }
  }

  /**
   * Every head's output (`blocks.{l}.attn.hook_result`) for slots 0..layer-1 (default all), labelled
   * `L{l}H{h}`. Needs hook_result in the cache: it is an opt-in hook point; or call computeHeadResults()
   * after caching hook_z.
   */
  stackHeadResults(layer: number | undefined, options: { applyLn: true } & NormOptions): NormedStack;
  stackHeadResults(layer?: number, options?: { applyLn?: boolean } & NormOptions): ComponentStack;
  stackHeadResults(layer?: number, options: { applyLn?: boolean } & NormOptions = {}): ComponentStack | NormedStack {
    const L = this.checkLayer(layer, 'stackHeadResults');
    const parts: Float32Tensor[] = [];
    const labels: string[] = [];
    for (let l = 0; l < L; l++) {
      const name = `blocks.${l}.attn.hook_result`;
      const r = this.entries.get(name);
      if (!r) {
        throw new Error(
          `stackHeadResults needs ${name} in the cache: it is an opt-in hook point (cache it explicitly), or cache blocks.${l}.attn.hook_z and call computeHeadResults() first`,
        );
      }
      const [B, T, H, d] = r.shape;
      for (let h = 0; h < H; h++) {
        const out = new Float32Array(B * T * d);
        for (let row = 0; row < B * T; row++) out.set(r.data.subarray((row * H + h) * d, (row * H + h + 1) * d), row * d);
        parts.push(tensor([B, T, d], out));
        labels.push(`L${l}H${h}`);
      }
    }
    if (parts.length === 0) throw new RangeError('stackHeadResults: layer 0 selects no heads; pass a layer of at least 1');
    const stack = { labels, stack: stackOf(parts) };
    return options.applyLn ? this.applyLnToStack(stack, options) : stack;
  }

  /**
   * The norm read by slot `layer` (default: the final norm) applied to every component of a stack, as
   * a linear map: centre (LayerNorm), divide by the scale (frozen from the cache, or each component's
   * own), multiply by the norm's weight. The norm's bias comes back separately (see NormedStack).
   */
  applyLnToStack(input: ComponentStack | Float32Tensor, options: NormOptions = {}): NormedStack {
    const cfg = this.cfg;
    const S = this.schedule.length;
    const { labels, stack } = 'stack' in input ? input : { labels: Array.from({ length: input.shape[0] }, (_, i) => String(i)), stack: input };
    if (stack.shape.length !== 4 || stack.shape[3] !== cfg.dModel) {
      throw new RangeError(`applyLnToStack: the stack must have shape [component, batch, pos, ${cfg.dModel}], got [${stack.shape}]`);
    }
    const layer = this.checkLayer(options.layer, 'applyLnToStack');
    let weightPrefix: string;
    let scaleName: string;
    if (layer === S) {
      if (options.mlpInput) throw new RangeError('applyLnToStack: mlpInput needs a block slot; the final norm has no MLP');
      weightPrefix = 'ln_final';
      scaleName = 'ln_final.hook_scale';
    } else {
      const ln = options.mlpInput ? 'ln2' : 'ln1';
      weightPrefix = `blocks.${this.schedule[layer]}.${ln}`;
      scaleName = `blocks.${layer}.${ln}.hook_scale`;
    }
    const w = this.weight(`${weightPrefix}.w`);
    const b = cfg.normType === 'layernorm' ? this.model!.weights.get(`${weightPrefix}.b`) ?? null : null;
    const frozen = options.frozenScale ?? true;
    const [C, B, T, d] = stack.shape;
    let scale: Float32Tensor | null = null;
    if (frozen) {
      scale = this.need(scaleName, 'applyLnToStack with a frozen scale');
      if (scale.data.length !== B * T) {
        throw new RangeError(`applyLnToStack: the cached ${scaleName} has shape [${scale.shape}] but the stack has batch ${B} and ${T} positions`);
      }
    }
    const out = new Float32Array(stack.data.length);
    const rows = B * T;
    for (let c = 0; c < C; c++) {
      for (let r = 0; r < rows; r++) {
        const o = (c * rows + r) * d;
        let mean = 0;
        if (cfg.normType === 'layernorm') {
          for (let j = 0; j < d; j++) mean += stack.data[o + j];
          mean /= d;
        }
        let s: number;
        if (scale) s = scale.data[r];
        else {
          let ss = 0;
          for (let j = 0; j < d; j++) ss += (stack.data[o + j] - mean) ** 2;
          s = Math.sqrt(ss / d + cfg.normEps);
        }
        const inv = 1 / s;
        for (let j = 0; j < d; j++) out[o + j] = (stack.data[o + j] - mean) * inv * w.data[j];
      }
    }
    return { labels: [...labels], stack: indexed(tensor([C, B, T, d], out)), bias: b };
  }

  /**
   * Direct logit attribution: each component's dot product with the unembedding column of `tokens`
   * (minus that of `wrong`, for a logit difference), [component, batch, pos]. Apply the final norm
   * first (applyLnToStack) for attributions that add up to the logits; b_U and the norm's bias are not
   * attributed to any component.
   */
  logitAttribution(input: ComponentStack | Float32Tensor, tokens: AttributionTokens, wrong?: AttributionTokens): IndexedTensor {
    const stack = 'stack' in input ? input.stack : input;
    const { dModel: d, dVocab: V } = this.cfg;
    if (stack.shape.length !== 4 || stack.shape[3] !== d) {
      throw new RangeError(`logitAttribution: the stack must have shape [component, batch, pos, ${d}], got [${stack.shape}]`);
    }
    const [C, B, T] = stack.shape;
    const WU = this.weight('unembed.W_U');
    const tokenAt = expandTokens(tokens, B, T, V, 'tokens');
    const wrongAt = wrong === undefined ? null : expandTokens(wrong, B, T, V, 'wrong');
    const out = new Float32Array(C * B * T);
    for (let c = 0; c < C; c++) {
      for (let r = 0; r < B * T; r++) {
        const o = (c * B * T + r) * d;
        const t = tokenAt[r];
        const u = wrongAt ? wrongAt[r] : -1;
        let acc = 0;
        for (let j = 0; j < d; j++) {
          const x = stack.data[o + j];
          acc += x * (WU.data[j * V + t] - (u >= 0 ? WU.data[j * V + u] : 0));
        }
        out[c * B * T + r] = acc;
      }
    }
    return indexed(tensor([C, B, T], out));
  }

  private weight(name: string): Float32Tensor {
    const w = this.model?.weights.get(name);
    if (!w) throw new Error(this.model ? `ActivationCache: the model has no weight ${name}` : 'this ActivationCache was made without its model; pass the model to the constructor');
    return w;
  }
}

/** Stacks same-shaped [batch, pos, dModel] tensors into [n, batch, pos, dModel]. */
function stackOf(parts: readonly Float32Tensor[]): IndexedTensor {
  const shape = parts[0].shape;
  const n = parts[0].data.length;
  const out = new Float32Array(parts.length * n);
  parts.forEach((p, i) => {
    if (p.data.length !== n || p.shape.some((s, k) => s !== shape[k])) {
      throw new RangeError(`stack: component ${i} has shape [${p.shape}] but the first has [${shape}]`);
    }
    out.set(p.data, i * n);
  });
  return indexed(tensor([parts.length, ...shape], out));
}

/** One token id per (batch, pos) row. */
function expandTokens(tokens: AttributionTokens, B: number, T: number, V: number, what: string): Int32Array {
  const out = new Int32Array(B * T);
  const check = (t: number): number => {
    if (!Number.isInteger(t) || t < 0 || t >= V) throw new RangeError(`logitAttribution: ${what} contains ${t}, not a token id in [0, ${V})`);
    return t;
  };
  if (typeof tokens === 'number') out.fill(check(tokens));
  else {
    if (tokens.length !== B) throw new RangeError(`logitAttribution: ${what} has ${tokens.length} entries but the stack has batch ${B}`);
    for (let b = 0; b < B; b++) {
      const e = tokens[b];
      if (typeof e === 'number') out.fill(check(e), b * T, (b + 1) * T);
      else {
        if (e.length !== T) throw new RangeError(`logitAttribution: ${what}[${b}] has ${e.length} entries but the stack has ${T} positions`);
        for (let p = 0; p < T; p++) out[b * T + p] = check(e[p]);
      }
    }
  }
  return out;
}
