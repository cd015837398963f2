/**
 * @marr/world-model: the world-model analysis (the default export), plus its parts as plain functions:
 * multi-target ridge with efficient leave-one-out, haversine and proximity error, the entity-table reader.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { worldModelAnalysis, worldModelStudy, promptPrefix, REFERENCES } from './analyses/world-model.js';
export { worldModelParams, type WorldModelParams } from './analyses/params.js';
export { worldModelResults, layerScoresSchema, type WorldModelResults, type LayerScores } from './analyses/results.js';
export { ridgeCv, ridgePredict, logspace, PAPER_ALPHAS, type RidgeCvFit } from './ridge/ridge-cv.js';
export { bruteForceLooMse } from './ridge/brute-force-loo.js';
export { haversineKm, EARTH_RADIUS_KM, type LatLon } from './metrics/geo.js';
export { proximityErrors, type TruePredDistance } from './metrics/proximity.js';
export { r2Score, pearson, spearman, meanAbsoluteError, averageRanks, regressionScores, type RegressionScores } from './metrics/regression.js';
export { readEntities, yearOf, type EntityTable, type EntityColumns, type TargetKind } from './entities/table.js';
export { PROMPT_PRESETS, normalizeWorldPlaceName, entityText, type PromptPreset, type NameStyle } from './entities/prompts.js';
export { layerProbe, fitProbe, scoreEntities, type LayerProbe, type ProbeScores } from './probe/layer-probe.js';
export { blockHoldout, chooseBlocks, type BlockHoldout, type HeldOutBlock } from './probe/block-holdout.js';
export { weightAlignment, neuronCosines, type AlignedNeuron, type NeuronWeight } from './neurons/weight-alignment.js';
export { predictiveNeurons, type PredictiveNeuron } from './neurons/single-neuron.js';
export { lastTokenActivations, tokenizePrompts, residPostHook, mlpPostHook, type LayerActivations } from './activations/last-token.js';
