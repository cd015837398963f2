export {
  parseSaeConfig, saeConfigToJson, makeSaeConfig,
  type SaeConfig, type SaeArchitecture, type SaeNormalization, type SaeDtype,
} from './format/config.js';
export { loadSae, saveSae, SAE_CFG_FILENAME, SAE_WEIGHTS_FILENAME, type LoadedSae } from './format/folder.js';
export { createSae, checkSaeWeights, topKInPlace, decoderRowNorms, type Sae, type SaeWeights, type DecodeOptions } from './sae.js';
export { withSaes, type WithSaesOptions, type SaeSplicedModel } from './splice/with-saes.js';
export { SAE_HOOK_SUFFIXES, type SaeHookSuffix } from './splice/sae-hook-names.js';
export { trainSae, type TrainSaeOptions, type TrainSaeResult, type TrainSaeProgress, type TrainArchitecture } from './train/train-sae.js';
export { tableActivationSource, modelActivationSource, type ActivationSource, type ModelActivationOptions } from './train/activation-source.js';
export { ShuffleBuffer } from './train/shuffle-buffer.js';
export { geometricMedian } from './train/geometric-median.js';
export { resampleDeadLatents, type ResampleInput } from './train/dead-latents.js';
export { runSaeTrainCommand, readActivationTable, type SaeTrainCommandOptions } from './cli/train-command.js';
export { evaluateSae, type SaeEvaluation, type EvaluateOptions } from './evaluate/evaluate-sae.js';
export { featureStats, logitEffects, type FeatureStats, type TopActivation } from './features/feature-stats.js';
export { contextActivations, type ContextRequest } from './features/context-activations.js';
export { saeFolderKind, analysisSae } from './analyses/common.js';
export { saeEvaluateAnalysis } from './analyses/sae-evaluate.js';
export { saeFeaturesAnalysis } from './analyses/sae-features.js';
export { plugin, PLUGIN_VERSION } from './plugin.js';
import { plugin } from './plugin.js';
export default plugin;
export { addAuxKGradients, type AuxKInput } from './train/aux-k.js';
