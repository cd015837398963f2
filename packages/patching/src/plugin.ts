import { definePlugin, PLUGIN_API_VERSION } from '@marr/core';
import { activationPatchingAnalysis } from './analyses/activation-patching.js';
import { pathPatchingAnalysis } from './analyses/path-patching.js';

export const PLUGIN_VERSION = '0.1.0';

export const plugin = definePlugin({
  name: '@marr/patching',
  version: PLUGIN_VERSION,
  apiVersion: PLUGIN_API_VERSION,
  description: 'Activation patching and path patching between clean and corrupted prompts (Meng et al. 2022; Wang et al. 2023), on core\'s batched patching library',
  analyses: [activationPatchingAnalysis, pathPatchingAnalysis],
});
