/**
 * Weight orthogonalisation (utils.get_orthogonalized_matrix and the model_utils' orthogonalize_*_weights):
 * W <- W - r̂ r̂ᵀ W for every matrix that writes into the residual stream: the token embedding, the
 * positional embedding, every attention output W_O (and b_O) and every MLP output W_out (and b_out). The
 * unembedding is not touched. The result computes what the ablation hooks compute, without hooks.
 */
import { createHookedTransformer, tensor, type Float32Tensor, type HookedTransformer, type WeightMap } from '@marr/core';
import { projectOut } from './vectors.js';

/** The names of the weights that write into the residual stream (their last axis is d_model). */
export function residualWriterNames(names: Iterable<string>): string[] {
  return [...names].filter((n) => n === 'embed.W_E' || n === 'pos_embed.W_pos' || /^blocks\.\d+\.(attn\.(W_O|b_O)|mlp\.(W_out|b_out))$/.test(n));
}

/** A copy of `weights` with r̂ projected out of every residual writer; other tensors are shared, not copied. */
export function orthogonalizeWeights(weights: WeightMap, unit: Float64Array): WeightMap {
  const out: WeightMap = new Map(weights);
  for (const name of residualWriterNames(weights.keys())) {
    const w = weights.get(name)!;
    if (w.shape[w.shape.length - 1] !== unit.length) throw new Error(`orthogonalizeWeights: ${name} has last axis ${w.shape[w.shape.length - 1]}, the direction ${unit.length}`);
    const copy: Float32Tensor = tensor([...w.shape], new Float32Array(w.data));
    projectOut(copy.data, unit);
    out.set(name, copy);
  }
  return out;
}

/** A new model with the orthogonalised weights, the same config and tokenizer (dispose it when done). */
export function orthogonalizedModel(model: HookedTransformer, unit: Float64Array): HookedTransformer {
  return createHookedTransformer({
    config: model.config,
    weights: orthogonalizeWeights(model.weights, unit),
    tokenizer: model.tokenizer,
    source: { ...model.source, spec: `${model.source.spec} (orthogonalised)`, format: 'memory' },
  });
}
