/**
 * The readout the paper analyses, from TransformerLens-processed weights (core's pure `processedWeights`;
 * the model is never changed):
 * - the final norm's weight (and bias) folded into W_U (and b_U);
 * - LayerNorm models: every w_out centred over d_model (center_writing_weights) and W_U's columns centred
 *   over d_model (fold_ln's center_weights): the normalised residual has zero mean, so neither changes a logit;
 * - W_U and b_U centred over the vocabulary (center_unembed): softmax is unchanged.
 *
 * With it, the logits of a final residual r with norm divisor s are (r / s) W + b for both norm types
 * (LayerNorm's centring is absorbed by W's centred columns), which is what lets the ablation sweep treat
 * every neuron as a rank-one change of the clean logits.
 */
import { processedWeights, tensor, type Float32Tensor, type HookedTransformer } from '@marr/core';

export interface EffectiveReadout {
  /** [dModel, dVocab]: the effective unembedding. */
  W: Float32Tensor;
  /** [dVocab]: the effective unembedding bias (zeros when the model has none). */
  b: Float32Array;
  /** [dMlp, dModel]: the layer's w_out rows (centred over d_model for LayerNorm models). */
  wOut: Float32Tensor;
  layer: number;
  layerNorm: boolean;
  eps: number;
  dModel: number;
  dVocab: number;
  dMlp: number;
}

function centerColumnsOverRows(W: Float32Tensor): Float32Tensor {
  const [d, V] = W.shape;
  const mean = new Float64Array(V);
  for (let i = 0; i < d; i++) for (let j = 0; j < V; j++) mean[j] += W.data[i * V + j];
  const out = W.data.slice();
  for (let i = 0; i < d; i++) for (let j = 0; j < V; j++) out[i * V + j] -= mean[j] / d;
  return tensor(W.shape, out);
}

/** The effective unembedding and the w_out rows of `layer`. */
export function effectiveReadout(model: HookedTransformer, layer: number): EffectiveReadout {
  const cfg = model.config;
  const layerNorm = cfg.normType === 'layernorm';
  const w = processedWeights(model, { foldLn: true, centerWriting: layerNorm, centerUnembed: true });
  const WU = w.get('unembed.W_U')!;
  const W = layerNorm ? centerColumnsOverRows(WU) : WU;
  const bU = w.get('unembed.b_U');
  const b = bU ? Float32Array.from(bU.data) : new Float32Array(cfg.dVocab);
  const wOut = w.get(`blocks.${layer}.mlp.W_out`);
  if (!wOut) throw new Error(`effectiveReadout: the model has no blocks.${layer}.mlp.W_out`);
  return { W, b, wOut, layer, layerNorm, eps: cfg.normEps, dModel: cfg.dModel, dVocab: cfg.dVocab, dMlp: cfg.dMlp };
}
