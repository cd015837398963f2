import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { worldModelAnalysis } from './analyses/world-model.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Linear representations of space and time (Gurnee & Tegmark 2023): ridge probes with efficient leave-one-out per layer, block holdout, space and time neurons',
  analyses: [worldModelAnalysis],
});
