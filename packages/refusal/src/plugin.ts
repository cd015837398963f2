import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { refusalDirectionAnalysis } from './analyses/refusal-direction.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'The refusal direction (Arditi et al. 2024): difference in means, selection by ablation and addition, evaluation, weight orthogonalisation',
  analyses: [refusalDirectionAnalysis],
});
