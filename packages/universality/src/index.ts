/**
 * @marr/universality: the universal-neurons analysis (the default export) and its parts as plain
 * functions: streaming sums, correlations from sums, the baseline, statistics and families.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { universalNeuronsAnalysis, universalNeuronsShards } from './analyses/universal-neurons.js';
export { universalNeuronsParams, type UniversalNeuronsParams } from './analyses/params.js';
export { universalNeuronsResults, type UniversalNeuronsResults, type NeuronResult } from './analyses/results.js';
export { universalityResults } from './analyses/finish.js';
export { universalityPartial } from './analyses/partial.js';
export { StreamingSums, type SumsShape, type SumsBatch } from './correlation/streaming-sums.js';
export { maxCorrelations, pearsonFromSums, centredSquares, type BestMatch } from './correlation/pearson.js';
export { baselineMatrix } from './correlation/baseline.js';
export { excludedTokens, keptPositions, mlpActivations, mlpHook, type KeptPositions } from './activations/mlp-activations.js';
export { vectorMoments, momentsFromPowerSums, type Moments } from './statistics/moments.js';
export { weightStatistics, WEIGHT_STATS } from './statistics/weight-statistics.js';
export { bestBinaryFeature, categoricalReduction } from './statistics/variance-reduction.js';
export { FAMILIES, familiesOf, type Family } from './families/families.js';
export { statisticContrast } from './report/sections.js';
