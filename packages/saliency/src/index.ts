/**
 * @marr/saliency: the saliency analysis (the default export), integrated-gradients token attributions
 * on core's `integratedGradients`, plus the prompt reader, the target and baseline choices and the
 * completeness statistics as plain functions.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { saliencyAnalysis } from './analyses/saliency.js';
export { saliencyStudy, type StudyIo } from './analyses/study.js';
export { saliencyParams, type SaliencyParams } from './analyses/params.js';
export { saliencyResults, promptAttributionSchema, type SaliencyResults } from './analyses/results.js';
export * from './prompts/saliency-prompts.js';
export * from './targets/answer-tokens.js';
export * from './targets/baseline-choice.js';
export * from './targets/single-token.js';
export * from './convergence/completeness.js';
