/** The @marr/probes plugin: sparse probing with exact optimal sparse probes (Gurnee et al. 2023). */
import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { probeSweep } from './analyses/probe-sweep.js';
import { sparseProbe } from './analyses/sparse-probe.js';

export default definePlugin({
  ...pluginPackage(import.meta.url),
  apiVersion: PLUGIN_API_VERSION,
  description: 'Sparse probing with exact optimal sparse probes (Gurnee et al., Finding Neurons in a Haystack)',
  analyses: [sparseProbe, probeSweep],
});
