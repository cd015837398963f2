/**
 * The compute backend behind the hooked transformer: the heavy kernels (matrix products with and
 * without weights, fused activations, attention) go through this interface so the same forward pass
 * runs on ONNX Runtime (fast, native) or on the pure-TypeScript reference kernels (portable, readable).
 * Cheap elementwise work (norms, rotary, residual adds) stays in TypeScript, where hooks can see it.
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import type { Activation } from '../model/config.js';
import type { OnnxGraph } from './onnx-model.js';

export interface MlpInResult {
  /** Pre-activation of the (gate) projection: TransformerLens `mlp.hook_pre` (when asked for). */
  pre?: Float32Tensor;
  /** The linear ("up") branch of a gated MLP: `mlp.hook_pre_linear`. */
  preLinear?: Float32Tensor;
  /** The neuron activations: `mlp.hook_post`. */
  post: Float32Tensor;
}

export interface AttentionPatternResult {
  /** Scaled, masked scores before softmax (masked entries hold -3.4e38), when asked for. */
  scores?: Float32Tensor;
  pattern: Float32Tensor;
}

export interface Backend {
  readonly name: 'onnxruntime' | 'reference';
  /**
   * x [rows, K] @ w [K, N] (+ bias [N]). `w` and `bias` are weights: backends may compile them into a
   * kernel and reuse it for as long as the same Float32Array objects are passed.
   */
  linear(x: Float32Tensor, w: Float32Tensor, bias?: Float32Tensor): Promise<Float32Tensor>;
  /**
   * The MLP input side: pre = x W_in + b_in, post = act(pre); or, gated, pre = x W_gate,
   * preLinear = x W_in, post = act(pre) * preLinear. Only the outputs in `want` need to be returned
   * (post always is).
   */
  mlpIn(
    x: Float32Tensor,
    wIn: Float32Tensor,
    bIn: Float32Tensor | undefined,
    wGate: Float32Tensor | undefined,
    act: Activation,
    want: { pre: boolean; preLinear: boolean },
  ): Promise<MlpInResult>;
  /**
   * softmax(q k^T * scale + mask) over the last axis. q [B, H, T, dh], k [B, H, S, dh],
   * mask [B, 1, T, S] additive (0 or -3.4e38).
   */
  attentionPattern(
    q: Float32Tensor,
    k: Float32Tensor,
    mask: Float32Tensor,
    scale: number,
    wantScores: boolean,
  ): Promise<AttentionPatternResult>;
  /** Batched product over the last two axes: a [..., M, K] @ b [..., K, N] (or transposed). */
  matmul(a: Float32Tensor, b: Float32Tensor, options?: { transposeA?: boolean; transposeB?: boolean }): Promise<Float32Tensor>;
  /**
   * Runs a whole ONNX graph (a fused transformer block, say), compiled once per `signature` and set of
   * weight arrays it embeds, and returns the fetched outputs. Only backends that execute ONNX have it;
   * callers fall back to the kernels above otherwise.
   */
  runGraph?(
    weights: readonly Float32Array[],
    signature: string,
    build: () => OnnxGraph,
    feeds: Readonly<Record<string, Float32Tensor>>,
    fetches: readonly string[],
  ): Promise<Record<string, Float32Tensor>>;
  /** Forgets any compiled kernel that uses this weight array. */
  release(weight: Float32Array): void;
  dispose(): Promise<void>;
}

/** The additive mask value for positions that may not be attended to (float32's lowest, as Hugging Face uses). */
export const MASKED = -3.4028234663852886e38;
