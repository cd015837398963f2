/**
 * @marr/context-neurons: the German context neuron and its contextual n-gram circuit as marr analyses
 * (the default export), plus every part as a plain function.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { contextNeuronAnalysis, contextNeuronStudy, contextNeuronParams, type ContextNeuronParams } from './analyses/context-neuron.js';
export { contextNeuronDynamicsAnalysis, dynamicsStudy, dynamicsParams, type DynamicsParams, type Checkpoint } from './analyses/context-neuron-dynamics.js';
export * from './dynamics/checkpoints.js';
export { contextNeuronResults, dynamicsResults } from './analyses/results.js';
export { languageWindows, LANGUAGE_FILES, type LanguageWindows } from './analyses/language-windows.js';
export { locate, ablate, ngrams, letterTokens, prefixPool, validateTrigrams, type Located, type Ablated, type LossTable, type PathLosses, type ValidatedTrigram } from './analyses/measure.js';
export * from './locate/binary-scores.js';
export * from './locate/neuron-probes.js';
export * from './effects/token-losses.js';
export * from './effects/context-effect.js';
export * from './ngrams/mine.js';
export * from './ngrams/validate.js';
