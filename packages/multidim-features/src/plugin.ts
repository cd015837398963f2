import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { circleInterventionAnalysis } from './analyses/circle-intervention.js';
import { circleProbeAnalysis } from './analyses/circle-probe.js';
import { irreducibilityAnalysis } from './analyses/irreducibility.js';
import { multidimFeaturesAnalysis } from './analyses/multidim-features.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Irreducible multi-dimensional features (ε-mixture and separability indices), clusters of SAE features, and day/month circles with probes and interventions (Engels et al. 2024)',
  analyses: [irreducibilityAnalysis, multidimFeaturesAnalysis, circleProbeAnalysis, circleInterventionAnalysis],
});
