/**
 * Loading and writing files: safetensors (sharded, F16/BF16), Hugging Face folders, llama2.c and minGPT checkpoints, the Hub, conversion, atomic writes and file sets, non-finite checks.
 *
 * @module loading
 */
export { convertLlama2cToHf } from '../loading/convert.js';
export { writeFileAtomic, writeJsonAtomic } from '../loading/atomic-write.js';
export { writeFileSet, checkOutputDir, createStagingDir, commitStagedDir, VIRTUAL_FILESYSTEM_ROOTS, type FileSetEntry } from '../loading/atomic-write.js';
export { loadWeights, type LoadWeightsOptions, type LoadedWeights } from '../loading/load-weights.js';
export {
  readSafetensors, readSafetensorsHeader, writeSafetensors, encodeSafetensors, rejectPickle, MAX_SAFETENSORS_HEADER_BYTES,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader, type SafetensorsContents, type WriteSafetensorsOptions,
} from '../loading/safetensors.js';
export { readSafetensorsFolder, parseShardIndex, SAFETENSORS_INDEX, SAFETENSORS_SINGLE } from '../loading/safetensors-sharded.js';
export { halfToFloat, floatToHalf, bf16ToFloat } from '../loading/half-float.js';
export { hfConfigToModelConfig, modelConfigToHfLlama, modelConfigToHfGpt2, hfModelType, SUPPORTED_HF_MODEL_TYPES } from '../loading/hf-config.js';
export { hfWeightsToMarr, marrToHfLlama } from '../loading/hf-weights.js';
export { interleavedToHalf, halfToInterleaved } from '../loading/rotary-permute.js';
export { readLlama2c, parseLlama2c, parseLlama2cHeader, llama2cConfig, type Llama2cHeader, type Llama2cModel } from '../loading/llama2c.js';
export { readMinGptJson, parseMinGptJson, type MinGptModel } from '../loading/mingpt-json.js';
export { writeHfGpt2Folder } from '../loading/hf-gpt2-writer.js';
export { fetchHubModel, hubCacheFolder, isHubId, type HubOptions, type FetchLike } from '../loading/hub.js';
export { recordFile, recordFiles, recordedPath, type FileRecord } from '../loading/file-record.js';
export { checkWeightsFinite, findNonFinite, nonFiniteOutputMessage, type NonFiniteWeights, type NonFiniteFinding } from '../loading/finite-check.js';
