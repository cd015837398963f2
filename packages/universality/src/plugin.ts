import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { universalNeuronsAnalysis } from './analyses/universal-neurons.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Universal neurons across seeds (Gurnee et al. 2024): streaming correlations on the fast matmul, neuron statistics and families, mergeable across machines',
  analyses: [universalNeuronsAnalysis],
});
