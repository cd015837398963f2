/**
 * HF checkpoint tensors → marr's TransformerLens weight layout, dispatching on the config's family.
 * The result is checked against the config with `validateWeights`.
 */
import type { ModelConfig } from '../model/config.js';
import { validateWeights, type WeightMap } from '../model/weights.js';
import type { Tensor } from '../tensor/tensor.js';
import { hfFamily } from './hf-config.js';
import { gpt2WeightsToMarr } from './hf-weights-gpt2.js';
import { gptNeoxWeightsToMarr } from './hf-weights-gpt-neox.js';
import { llamaWeightsToMarr } from './hf-weights-llama.js';

export { marrToHfLlama } from './hf-weights-llama.js';

/** Maps the tensors of an HF checkpoint with HF `model_type` `modelType` to marr weights. */
export function hfWeightsToMarr(cfg: ModelConfig, modelType: string, tensors: ReadonlyMap<string, Tensor>, source: string): WeightMap {
  const family = hfFamily(modelType);
  const weights =
    family === 'gpt2'
      ? gpt2WeightsToMarr(cfg, tensors, source)
      : family === 'gpt_neox'
        ? gptNeoxWeightsToMarr(cfg, tensors, source)
        : llamaWeightsToMarr(cfg, tensors, source);
  validateWeights(cfg, weights, source);
  return weights;
}
