/**
 * The public face of a loaded model: what analyses, the CLI and plugins program against.
 */
import type { Float32Tensor, Int32Tensor } from '../tensor/tensor.js';
import type { ModelConfig } from './config.js';
import type { WeightMap } from './weights.js';

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
  /** Position in the layer schedule (the number in the hook name), or null outside blocks. */
  position: number | null;
  /** Index of the block whose weights ran at that position, or null outside blocks. */
  layer: number | null;
}

/**
 * A hook reads or replaces the activation at a hook point. Returning a tensor of the same shape replaces
 * the activation; returning nothing leaves it as it was. The tensor passed in is the hook's own copy.
 */
export type HookFn = (activation: Float32Tensor, ctx: HookContext) => Float32Tensor | void;

export interface Hook {
  name: string;
  fn: HookFn;
  /**
   * Restrict what the hook may change to these sequence positions (query positions for attention
   * patterns); everything else keeps its original value. Default: all positions.
   */
  positions?: readonly number[];
  /** Restrict what the hook may change to these heads (attention hook points only). Default: all heads. */
  heads?: readonly number[];
}

/** Which activations to keep: every hook point (true), a list of names, or a predicate on names. */
export type CacheFilter = boolean | readonly string[] | ((name: string) => boolean);

export interface RunOptions {
  /** [batch, seq] with 1 for real tokens and 0 for left padding; default all ones. */
  attentionMask?: readonly (readonly number[])[];
  hooks?: readonly Hook[];
  cache?: CacheFilter;
  schedule?: LayerSchedule;
  /** Run only the first `stopAtLayer` schedule positions; no logits are computed. */
  stopAtLayer?: number;
  /** Default true; false skips the unembedding when only activations are wanted. */
  returnLogits?: boolean;
}

export interface ActivationCache {
  /** The cached activation; throws (suggesting the nearest name) when the name was not cached. */
  get(name: string): Float32Tensor;
  has(name: string): boolean;
  names(): string[];
}

export interface RunResult {
  /** [batch, seq, dVocab]; null when returnLogits is false or stopAtLayer is set. */
  logits: Float32Tensor | null;
  /** The residual stream after the last block run, [batch, seq, dModel]. */
  residual: Float32Tensor;
  cache: ActivationCache;
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** 0 (default) is greedy. */
  temperature?: number;
  topK?: number;
  seed?: number;
  stopAtEos?: boolean;
  hooks?: readonly Hook[];
  schedule?: LayerSchedule;
}

export interface GenerateResult {
  tokens: number[];
  newTokens: number[];
  text: string;
}

export type TokenInput = readonly number[] | readonly (readonly number[])[] | Int32Tensor;

export interface HookedTransformer {
  readonly config: ModelConfig;
  readonly tokenizer: Tokenizer | null;
  readonly source: ModelSource;
  /** Every valid hook point name for the default schedule, in execution order. */
  hookPoints(): string[];
  run(tokens: TokenInput, options?: RunOptions): Promise<RunResult>;
  /** `run` with every hook point (or those the filter keeps) cached. */
  runWithCache(tokens: TokenInput, options?: RunOptions): Promise<RunResult>;
  generate(prompt: string | readonly number[], options: GenerateOptions): Promise<GenerateResult>;
  /** A weight by TransformerLens name (`W_E`, `blocks.0.attn.W_O`, ...). Returns the live tensor. */
  getWeight(name: string): Float32Tensor;
  /** Replaces a weight (same shape) and invalidates compiled kernels that used it. */
  setWeight(name: string, value: Float32Tensor): void;
  weightNames(): string[];
  /** All weights (live tensors; use setWeight to change them). */
  readonly weights: WeightMap;
  /** Frees native sessions. */
  dispose(): Promise<void>;
}
