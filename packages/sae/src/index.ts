export {
  parseSaeConfig, saeConfigToJson, makeSaeConfig,
  type SaeConfig, type SaeArchitecture, type SaeNormalization, type SaeDtype,
} from './format/config.js';
export { loadSae, saveSae, SAE_CFG_FILENAME, SAE_WEIGHTS_FILENAME, type LoadedSae } from './format/folder.js';
export { createSae, checkSaeWeights, topKInPlace, decoderRowNorms, type Sae, type SaeWeights, type DecodeOptions } from './sae.js';
export { withSaes, type WithSaesOptions, type SaeSplicedModel } from './splice/with-saes.js';
export { SAE_HOOK_SUFFIXES, type SaeHookSuffix } from './splice/sae-hook-names.js';
