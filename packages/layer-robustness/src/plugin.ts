import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { attentionLocalityAnalysis } from './analyses/attention-locality.js';
import { layerRobustness } from './analyses/layer-robustness.js';
import { logitLensAnalysis } from './analyses/logit-lens.js';
import { predictionNeuronsAnalysis } from './analyses/prediction-neurons.js';
import { stagesAnalysis } from './analyses/stages.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Layer deletion and swapping, logit lens, attention locality, prediction neurons and the stages of inference (Lad, Gurnee & Tegmark 2024)',
  analyses: [layerRobustness, logitLensAnalysis, attentionLocalityAnalysis, predictionNeuronsAnalysis, stagesAnalysis],
});
