/**
 * @marr/layer-robustness: Lad, Gurnee & Tegmark's "Remarkable Robustness of LLMs: Stages of Inference?"
 * as a marr plugin (the default export), plus the measurements as plain functions.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';

export { layerRobustness } from './analyses/layer-robustness.js';
export { logitLensAnalysis } from './analyses/logit-lens.js';
export { attentionLocalityAnalysis } from './analyses/attention-locality.js';
export { predictionNeuronsAnalysis } from './analyses/prediction-neurons.js';
export { stagesAnalysis } from './analyses/stages.js';

export * from './metrics/distribution.js';
export * from './metrics/stats.js';
export * from './metrics/moments.js';
export * from './metrics/depth.js';
export * from './interventions/index.js';
export * from './lens/logit-lens.js';
export * from './attention/locality.js';
export * from './neurons/prediction-neurons.js';
export * from './stages/evidence.js';
export * from './similarity/cka.js';
