import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { contextNeuronAnalysis } from './analyses/context-neuron.js';
import { contextNeuronDynamicsAnalysis } from './analyses/context-neuron-dynamics.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'A German context neuron, its ablation, the contextual n-gram circuit it feeds and its training dynamics (Quirke et al. 2023)',
  analyses: [contextNeuronAnalysis, contextNeuronDynamicsAnalysis],
});
