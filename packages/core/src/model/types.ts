/**
 * The public face of a loaded model: what analyses, the CLI and plugins program against.
 */
import type { Float32Tensor, Int32Tensor } from '../tensor/tensor.js';
import type { ModelConfig } from './config.js';
import type { WeightMap } from './weights.js';
import type { ActivationCache } from './activation-cache.js';
import type { GradMetric } from '../grad/metrics.js';

export interface Tokenizer {
  readonly vocabSize: number;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  /** Token ids for `text`; `addBos` (default true when the model has a BOS token) prepends BOS. */
  encode(text: string, options?: { addBos?: boolean }): number[];
  /** Text for a sequence of ids (special tokens dropped). */
  decode(ids: readonly number[]): string;
  /** The display string of one token (for tables and HTML; callers escape it). */
  tokenString(id: number): string;
}

/** Where a model came from, recorded in reports so a run can be reproduced. */
export interface ModelSource {
  /** What the user passed to loadModel (a path, a shipped name, a hub id). */
  spec: string;
  format: 'hf' | 'llama2c' | 'mingpt-json' | 'random' | 'memory';
  /** Files read, with their SHA-256 hashes. */
  files: { path: string; sha256: string; bytes: number }[];
}

/**
 * The order in which blocks run: any sequence of block indices. [0,1,2,3] is the model itself;
 * [0,2,3] deletes block 1; [0,2,1,3] swaps blocks 1 and 2; [0,1,1,2,3] repeats block 1.
 */
export type LayerSchedule = readonly number[];

export interface HookContext {
  /** The hook point's full name, e.g. `blocks.3.attn.hook_pattern`. */
  name: string;
  /** Slot in the layer schedule (the number in the hook name), or null outside blocks. */
  slot: number | null;
  /** Index of the block whose weights ran in that slot, or null outside blocks. */
  layer: number | null;
  /**
   * Absolute index, in the whole sequence, of the chunk's first token: 0 for a plain run, the number of
   * tokens already decoded for a step of `generate`. Index `i` on the `pos` (or `query`) axis of the value
   * is sequence position `tokenOffset + i`.
   */
  tokenOffset: number;
}

/**
 * An edit hook: gets its own copy of the activation and may change it in place (the TransformerLens
 * idiom) or return a replacement of the same shape; either way the change takes effect. May be async
 * (to call a backend's matmul, say).
 */
export type HookFn = (activation: IndexedTensor, ctx: HookContext) => Float32Tensor | void | Promise<Float32Tensor | void>;

/** An observe hook: sees the live activation (no copy) and must not change it. */
export type ObserveFn = (activation: IndexedTensor, ctx: HookContext) => void | Promise<void>;

interface HookRestriction {
  /**
   * Restrict the edit to these absolute sequence positions (query positions for attention patterns);
   * everything else keeps its value. During `generate` a position is edited on the step that computes it
   * and the hook does nothing on other steps. Default: all positions.
   */
  positions?: readonly number[];
  /** Restrict the edit to these heads (hook points with a head axis only). Default: all heads. */
  heads?: readonly number[];
}

/** Reads an activation: `{ name, observe }`. */
export interface ObserveHook {
  name: string;
  observe: ObserveFn;
}

/** Changes an activation: `{ name, edit }`, optionally restricted to positions and heads. */
export interface EditHook extends HookRestriction {
  name: string;
  edit: HookFn;
}

/** Sugar kept from the first API: `{ name, fn }` is an edit hook. */
export interface FnHook extends HookRestriction {
  name: string;
  fn: HookFn;
}

/**
 * A backward hook (runWithGrad only): sees, and may replace, the gradient of the metric with respect to
 * a hook point's value (the value leaving its forward hooks). It gets its own copy: change it in place or
 * return a replacement of the same shape; what it leaves flows on to what came before.
 */
export interface GradHook {
  name: string;
  grad: (grad: IndexedTensor, ctx: HookContext) => Float32Tensor | void | Promise<Float32Tensor | void>;
}

export type Hook = ObserveHook | EditHook | FnHook | GradHook;

/** Which activations to keep: every hook point (true), a list of names, or a predicate on names. */
export type CacheFilter = boolean | readonly string[] | ((name: string) => boolean);

/** Opt-in hook point groups (see the hook-point table): `attnResult` and `splitQkvInput`. */
export type OptInGroup = 'attnResult' | 'splitQkvInput';

export interface RunOptions {
  /** [batch, seq] with 1 for real tokens and 0 for left padding; default all ones. */
  attentionMask?: readonly (readonly number[])[];
  hooks?: readonly Hook[];
  cache?: CacheFilter;
  schedule?: LayerSchedule;
  /** Run only the first `stopAtLayer` schedule slots; no logits are computed. */
  stopAtLayer?: number;
  /**
   * Resume from a residual: skip the embeddings and the schedule slots before `layer`, and feed
   * `residual` ([batch, seq, dModel], e.g. a cached `blocks.{layer-1}.hook_resid_post`) into slot
   * `layer` as its `hook_resid_pre`. The tokens still give positions and the attention mask.
   */
  startAt?: { layer: number; residual: Float32Tensor };
  /** Compute opt-in hook points: true for all, or a list of groups. Hooks and cache lists naming one enable it too. */
  optIn?: boolean | readonly OptInGroup[];
  /** Default true; false skips the unembedding when only activations are wanted. */
  returnLogits?: boolean;
}

/** Read-only tensor indexing without flat-offset arithmetic. */
export interface TensorIndexing {
  /** The element at a full index, e.g. `t.get(b, s, i)`; negative indices count from the end. */
  get(...index: number[]): number;
  /** The sub-tensor at index `i` of `axis` (that axis removed). */
  select(axis: number, i: number): IndexedTensor;
  /** Indices `start` (inclusive) to `end` (exclusive) of `axis` (negative counts from the end). */
  slice(axis: number, start: number, end?: number): IndexedTensor;
}

/** A float tensor with `get`, `select` and `slice` (what caches, hooks and runs hand out). */
export type IndexedTensor = Float32Tensor & TensorIndexing;

export interface RunResult {
  /** [batch, seq, dVocab]; null when returnLogits is false or stopAtLayer is set. */
  logits: IndexedTensor | null;
  /** The residual stream after the last block run, [batch, seq, dModel]. */
  residual: IndexedTensor;
  cache: ActivationCache;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 (default) is greedy. */
  temperature?: number;
  topK?: number;
  seed?: number;
  stopAtEos?: boolean;
  /**
   * Hooks active at every decoding step. A hook restricted to `positions` edits a position on the step
   * that computes it (absolute positions: the prompt is 0..n-1) and does nothing on other steps, so the
   * result equals the same edit in a full run over the whole sequence.
   */
  hooks?: readonly Hook[];
  schedule?: LayerSchedule;
  optIn?: boolean | readonly OptInGroup[];
}

export interface GenerateResult {
  tokens: number[];
  newTokens: number[];
  text: string;
}

/** A left-padded batch of prompts with its attention mask (from `model.toTokens`). */
export interface TokenBatch {
  /** [batch, seq] token ids, padded on the left. */
  tokens: number[][];
  /** [batch, seq]: 0 on padding, 1 on real tokens. */
  attentionMask: number[][];
  /** Real tokens per row. */
  lengths: number[];
}

export type TokenInput = readonly number[] | readonly (readonly number[])[] | Int32Tensor | TokenBatch;

export interface RunWithGradOptions {
  /** The scalar differentiated (see `gradMetrics`). */
  metric: GradMetric;
  /** Hook point names (as in model.hookPoints(), opt-in ones too) and/or weight names (aliases such as W_E ok). */
  wrt: readonly string[];
  /** Forward edit/observe hooks (applied, and respected by the backward pass) and grad hooks. */
  hooks?: readonly (Hook | GradHook)[];
  /** Forward cache, as in run(). */
  cache?: CacheFilter;
  attentionMask?: readonly (readonly number[])[];
  optIn?: boolean | readonly OptInGroup[];
  schedule?: LayerSchedule;
  /** float32 (default) on the backend's kernels; float64 on reference kernels, for gradient checks (slow). */
  precision?: 'float32' | 'float64';
  /** Add weight gradients into these tensors (same names and shapes as the weights) instead of allocating (training). */
  accumulate?: WeightMap;
}

export interface GradResult {
  /** The metric. */
  value: number;
  /** [batch, seq, dVocab]. */
  logits: IndexedTensor;
  /** Per options.cache. */
  cache: ActivationCache;
  /**
   * d value / d x for every name in wrt, shaped like that hook point / weight (keyed by the name as given).
   * For a hook point: the gradient with respect to the value leaving its forward hooks, as it arrives
   * there (what its first grad hook sees). For a weight also named in `accumulate`: that tensor.
   */
  grads: ReadonlyMap<string, IndexedTensor>;
}

export interface HookedTransformer {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer | null;
  readonly source: ModelSource;
  /** Every hook point name for the default schedule, in execution order (opt-in points with `optIn: true`). */
  hookPoints(options?: { optIn?: boolean }): string[];
  run(tokens: TokenInput, options?: RunOptions): Promise<RunResult>;
  /** `run` with every hook point (or those the filter keeps) cached. */
  runWithCache(tokens: TokenInput, options?: RunOptions): Promise<RunResult>;
  generate(prompt: string | readonly number[], options: GenerateOptions): Promise<GenerateResult>;
  /** The final norm applied to a residual [..., dModel]: its scale recomputed, or the given (frozen) one [..., 1]. */
  finalNorm(resid: Float32Tensor, options?: { scale?: Float32Tensor }): IndexedTensor;
  /** Logits x W_U (+ b_U) for any [..., dModel]. */
  unembed(x: Float32Tensor): Promise<IndexedTensor>;
  /** Ragged prompts as a left-padded batch with its attention mask; `run` accepts it as it is. */
  toTokens(input: string | readonly string[], options?: { prependBos?: boolean }): TokenBatch;
  /** The display string of each token of a text (BOS included when the model uses one) or of ids. */
  toStrTokens(input: string | readonly number[], options?: { prependBos?: boolean }): string[];
  /** The id of a string that is exactly one token; an error naming the split otherwise. */
  toSingleToken(text: string): number;
  /** A weight by TransformerLens name (`W_E`, `blocks.0.attn.W_O`, ...). Returns the live tensor. */
  getWeight(name: string): Float32Tensor;
  /** Replaces a weight (same shape) and invalidates compiled kernels that used it. */
  setWeight(name: string, value: Float32Tensor): void;
  weightNames(): string[];
  /** All weights (live tensors; use setWeight to change them). */
  readonly weights: WeightMap;
  /**
   * One forward pass with hooks and a backward pass: the metric, the logits, the cache and the gradients
   * of the metric with respect to the hook points and weights in `wrt`.
   */
  runWithGrad(tokens: TokenInput, options: RunWithGradOptions): Promise<GradResult>;
  /** Call after changing weight data in place (an optimizer step): drops every cache derived from those weights (all when omitted). */
  weightsUpdated(names?: readonly string[]): void;
  /** Frees native sessions. */
  dispose(): Promise<void>;
}
