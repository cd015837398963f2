import { definePlugin, PLUGIN_API_VERSION } from '@marr/core';
import { attentionLocalityAnalysis } from './analyses/attention-locality.js';
import { layerRobustness } from './analyses/layer-robustness.js';
import { logitLensAnalysis } from './analyses/logit-lens.js';
import { predictionNeuronsAnalysis } from './analyses/prediction-neurons.js';
import { stagesAnalysis } from './analyses/stages.js';

export const PLUGIN_VERSION = '0.1.0';

export const plugin = definePlugin({
  name: '@marr/layer-robustness',
  version: PLUGIN_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Layer deletion and swapping, logit lens, attention locality, prediction neurons and the stages of inference (Lad, Gurnee & Tegmark 2024)',
  analyses: [layerRobustness, logitLensAnalysis, attentionLocalityAnalysis, predictionNeuronsAnalysis, stagesAnalysis],
});
