import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { saeEvaluateAnalysis } from './analyses/sae-evaluate.js';
import { saeFeaturesAnalysis } from './analyses/sae-features.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

/** The analyses that use an SAE; @marr/sae is also a helper package other plugins import. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sparse autoencoders (SAELens format): evaluation and feature tables',
  analyses: [saeEvaluateAnalysis, saeFeaturesAnalysis],
});
