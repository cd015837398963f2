/**
 * @marr/entropy-neurons: confidence-regulation neurons as marr analyses (the default export), plus the
 * parts as plain functions (effective unembedding, neuron geometry, the mean-ablation sweep).
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { entropyNeuronsAnalysis, entropyNeuronsStudy, entropyNeuronsParams, type EntropyNeuronsParams, type EntropyNeuronsResults } from './analyses/entropy-neurons.js';
export { entropyNeuronsResults, tokenFrequencyNeuronsResults, inductionEntropyResults } from './analyses/results.js';
export { effectiveReadout, type EffectiveReadout } from './readout/effective-unembedding.js';
export { neuronGeometry, leftSingular, defaultNullSpaceK, subspaceFraction, type NeuronGeometry } from './geometry/neuron-geometry.js';
export { cleanRun, meanActivations, type CleanRun } from './ablation/clean-run.js';
export { scoredPositions, boundaryTokens, FIRST_SCORED_POSITION } from './ablation/scored-positions.js';
export { meanAblationSweep, mediatedFraction, type AblationSweep, type NeuronAblation, type DirectMode } from './ablation/mean-ablation.js';
export { logitStats, type LogitStats } from './ablation/logit-pass.js';
export { unigramFromTokens, smoothedUnigram, frequencyDirection, cosinesWith } from './frequency/unigram.js';
export { inductionEntropyAnalysis, inductionEntropyStudy, inductionEntropyParams, bosAblationHooks, type InductionEntropyParams, type InductionEntropyResults } from './analyses/induction-entropy.js';
export { repeatedRandomTokens } from './induction/repeated-tokens.js';
export { addDiagonalSums, headLabel, type HeadScore } from './induction/induction-heads.js';
export { tokenFrequencyNeuronsAnalysis, tokenFrequencyNeuronsStudy, tokenFrequencyNeuronsParams, type TokenFrequencyNeuronsParams, type TokenFrequencyNeuronsResults, type UnigramSource } from './analyses/token-frequency-neurons.js';
export { parseCounts, unigramCountsKind } from './frequency/counts-file.js';
