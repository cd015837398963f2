import { definePlugin, PLUGIN_API_VERSION } from '@marr/core';
import { saeEvaluateAnalysis } from './analyses/sae-evaluate.js';
import { saeFeaturesAnalysis } from './analyses/sae-features.js';

export const PLUGIN_VERSION = '0.1.0';

/** The analyses that use an SAE; @marr/sae is also a helper package other plugins import. */
export const plugin = definePlugin({
  name: '@marr/sae',
  version: PLUGIN_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sparse autoencoders (SAELens format): evaluation and feature tables',
  analyses: [saeEvaluateAnalysis, saeFeaturesAnalysis],
});
