/** The @marr/sindy-mio plugin: `sindy` and `sindy-benchmark`. */
import { definePlugin, PLUGIN_API_VERSION } from '@marr/core';
import { sindyAnalysis } from './analyses/sindy-analysis.js';
import { sindyBenchmarkAnalysis } from './analyses/sindy-benchmark-analysis.js';

export const PLUGIN_NAME = '@marr/sindy-mio';
export const PLUGIN_VERSION = '0.1.0';

const plugin = definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sparse identification of nonlinear dynamics solved exactly by mixed-integer optimisation (Bertsimas & Gurnee 2023)',
  analyses: [sindyAnalysis, sindyBenchmarkAnalysis],
});

export default plugin;
