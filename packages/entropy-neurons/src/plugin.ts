import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { entropyNeuronsAnalysis } from './analyses/entropy-neurons.js';
import { inductionEntropyAnalysis } from './analyses/induction-entropy.js';
import { tokenFrequencyNeuronsAnalysis } from './analyses/token-frequency-neurons.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Entropy neurons, token-frequency neurons and the induction case study (Stolfo, Wu, Gurnee et al. 2024, Confidence Regulation Neurons in Language Models)',
  analyses: [entropyNeuronsAnalysis, tokenFrequencyNeuronsAnalysis, inductionEntropyAnalysis],
});
