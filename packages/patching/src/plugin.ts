import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { activationPatchingAnalysis } from './analyses/activation-patching.js';
import { pathPatchingAnalysis } from './analyses/path-patching.js';
import { attributionPatchingAnalysis } from './analyses/attribution-patching.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: "Activation patching, path patching and attribution patching between clean and corrupted prompts (Meng et al. 2022; Wang et al. 2023; Nanda 2023), on core's batched patching library and gradients",
  analyses: [activationPatchingAnalysis, pathPatchingAnalysis, attributionPatchingAnalysis],
});
