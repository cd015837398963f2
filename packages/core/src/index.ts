export * from './tensor/tensor.js';
export * from './model/config.js';
export * from './model/weights.js';
export * from './model/types.js';
export * from './random/rng.js';
export * from './analysis/protocol.js';
export * from './report/types.js';
/** @deprecated test helpers: import them from '@marr/core/testing' (this re-export goes once every importer has moved). */
export * from './fixtures/shared.js';
export * from './tensor/ops.js';
export * from './backend/backend.js';
export { createReferenceBackend } from './backend/reference-backend.js';
export { OnnxGraph } from './backend/onnx-model.js';
export { createOrtBackend, loadOnnxRuntime, checkDevice, DEVICES, type Device, type OrtBackendOptions } from './backend/ort-backend.js';
export {
  HOOK_POINTS, hookPointTable, hookPointNames, hookPointSpec, hookPointShape, axisSizes, restrictableAxes, actName, nearestName, unknownNameError,
  type HookAxis, type HookPointSpec, type HookPointListOptions,
} from './model/hook-points.js';
export { ActivationCache, type ActivationCacheModel, type ActivationCacheOptions, type ComponentStack, type NormedStack, type NormOptions, type AccumulatedResidOptions, type DecomposeResidOptions, type AttributionTokens } from './model/activation-cache.js';
export { indexed, tensorAt, selectAxis, sliceAxis } from './tensor/indexing.js';
export { createHookedTransformer, resolveBackend, type BackendChoice, type CreateModelOptions } from './model/hooked-transformer.js';
export { randomModel, randomWeights, type RandomModelOptions } from './model/random-model.js';
export { sampleToken } from './model/sampling.js';
export { defaultBackend, matmul } from './backend/default-backend.js';
export * from './analysis/errors.js';
export * from './analysis/names.js';
export * from './analysis/params.js';
export * from './analysis/inputs.js';
export * from './analysis/named-inputs.js';
export * from './analysis/manifest.js';
export * from './analysis/package-info.js';
export * from './analysis/runner.js';
export * from './analysis/sharded-runner.js';
export * from './analysis/version.js';
export * from './report/schema.js';
export * from './report/format.js';
export * from './report/rerun.js';
export * from './report/terminal.js';
export * from './report/json.js';
export * from './data/files.js';
export * from './data/csv.js';
export * from './data/text.js';
export * from './data/load.js';
export * from './data/input-kinds.js';
export * from './toolkit/index.js';
export * from './linalg/index.js';
export * from './settings.js';
export { z } from 'zod';
export { loadModel, modelResolvers, registerModelResolver, resolveModelName, resolveShippedModel, type LoadModelOptions, type ModelResolver } from './model/load-model.js';
export { processWeights, processedWeights, type ProcessWeightsOptions, type ProcessedWeightsOptions } from './model/weight-processing.js';
export { convertLlama2cToHf } from './loading/convert.js';
export { writeFileAtomic, writeJsonAtomic } from './loading/atomic-write.js';
export { writeFileSet, checkOutputDir, createStagingDir, commitStagedDir, VIRTUAL_FILESYSTEM_ROOTS, type FileSetEntry } from './loading/atomic-write.js';
export { loadWeights, type LoadWeightsOptions, type LoadedWeights } from './loading/load-weights.js';
export {
  readSafetensors, readSafetensorsHeader, writeSafetensors, encodeSafetensors, rejectPickle, MAX_SAFETENSORS_HEADER_BYTES,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader, type SafetensorsContents, type WriteSafetensorsOptions,
} from './loading/safetensors.js';
export { readSafetensorsFolder, parseShardIndex, SAFETENSORS_INDEX, SAFETENSORS_SINGLE } from './loading/safetensors-sharded.js';
export { halfToFloat, floatToHalf, bf16ToFloat } from './loading/half-float.js';
export { hfConfigToModelConfig, modelConfigToHfLlama, modelConfigToHfGpt2, hfModelType, SUPPORTED_HF_MODEL_TYPES } from './loading/hf-config.js';
export { hfWeightsToMarr, marrToHfLlama } from './loading/hf-weights.js';
export { interleavedToHalf, halfToInterleaved } from './loading/rotary-permute.js';
export { readLlama2c, parseLlama2c, parseLlama2cHeader, llama2cConfig, type Llama2cHeader, type Llama2cModel } from './loading/llama2c.js';
export { readMinGptJson, parseMinGptJson, type MinGptModel } from './loading/mingpt-json.js';
export { writeHfGpt2Folder } from './loading/hf-gpt2-writer.js';
export { fetchHubModel, hubCacheFolder, isHubId, type HubOptions, type FetchLike } from './loading/hub.js';
export { recordFile, recordFiles, recordedPath, type FileRecord } from './loading/file-record.js';
export { Llama2cTokenizer } from './tokenizer/llama2c-tokenizer.js';
export { readLlama2cVocab, parseLlama2cVocab, type Llama2cVocab } from './tokenizer/llama2c-tokenizer-file.js';
export { HfTokenizer, templateBosId, type HfTokenizerOptions } from './tokenizer/hf-tokenizer.js';
export { llama2cToTokenizerJson, llama2cTokenizerConfig } from './tokenizer/llama2c-to-tokenizer-json.js';
export * from './patching/index.js';
export { checkTokenizerJson, TOKENIZER_PART_TYPES, MAX_TOKEN_ID_WITHOUT_MODEL, type TokenizerJsonCheckOptions } from './tokenizer/tokenizer-json-check.js';
export { checkWeightsFinite, findNonFinite, nonFiniteOutputMessage, type NonFiniteWeights, type NonFiniteFinding } from './loading/finite-check.js';
export { createAdamW, adamwStep, clipGradients, learningRate, type AdamWSettings, type AdamWState, type OptimArray } from './optim/adamw.js';
export * from './study/index.js';
