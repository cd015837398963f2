/**
 * Models: model configs and weights, the hooked transformer with its hook-point table, the activation cache, random models, loading a model by name or path, weight processing.
 *
 * @module models
 */
export * from '../model/config.js';
export * from '../model/weights.js';
export * from '../model/types.js';
export * from '../random/rng.js';
export {
  HOOK_POINTS, hookPointTable, hookPointNames, hookPointSpec, hookPointShape, axisSizes, restrictableAxes, actName, nearestName, unknownNameError,
  type HookAxis, type HookPointSpec, type HookPointListOptions,
} from '../model/hook-points.js';
export { ActivationCache, type ActivationCacheModel, type ActivationCacheOptions, type ComponentStack, type NormedStack, type NormOptions, type AccumulatedResidOptions, type DecomposeResidOptions, type AttributionTokens } from '../model/activation-cache.js';
export { createHookedTransformer, resolveBackend, type BackendChoice, type CreateModelOptions } from '../model/hooked-transformer.js';
export { randomModel, randomWeights, type RandomModelOptions } from '../model/random-model.js';
export { sampleToken } from '../model/sampling.js';
export { loadModel, modelResolvers, registerModelResolver, resolveModelName, resolveShippedModel, type LoadModelOptions, type ModelResolver } from '../model/load-model.js';
export { processWeights, processedWeights, type ProcessWeightsOptions, type ProcessedWeightsOptions } from '../model/weight-processing.js';
