/** The @marr/sindy-mio plugin: `sindy` and `sindy-benchmark`. */
import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { sindyAnalysis } from './analyses/sindy-analysis.js';
import { sindyBenchmarkAnalysis } from './analyses/sindy-benchmark-analysis.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_NAME = name;
export const PLUGIN_VERSION = version;

const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sparse identification of nonlinear dynamics solved exactly by mixed-integer optimisation (Bertsimas & Gurnee 2023)',
  analyses: [sindyAnalysis, sindyBenchmarkAnalysis],
});

export default plugin;
