import { definePlugin, PLUGIN_API_VERSION, pluginPackage } from '@marr/core';
import { saliencyAnalysis } from './analyses/saliency.js';

const { name, version } = pluginPackage(import.meta.url);
/** From package.json. */
export const PLUGIN_VERSION = version;

export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  description: "Integrated-gradients token attributions with the completeness check, and gradient x input (Sundararajan, Taly & Yan 2017), on core's runWithGrad",
  analyses: [saliencyAnalysis],
});
