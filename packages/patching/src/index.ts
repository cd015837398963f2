/**
 * @marr/patching: activation patching, path patching and attribution patching as marr analyses (the default export), plus
 * the prompt-pairs reader and the studies as plain functions.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { activationPatchingAnalysis, activationPatchingStudy, activationPatchingParams, type ActivationPatchingParams } from './analyses/activation-patching.js';
export { attributionPatchingAnalysis, attributionPatchingStudy, attributionPatchingParams, type AttributionPatchingParams, type AttributionStudyIo } from './analyses/attribution-patching.js';
export { pathPatchingAnalysis, pathPatchingStudy, pathPatchingParams, type PathPatchingParams } from './analyses/path-patching.js';
export * from './pairs/prompt-pairs.js';
export { topCells, type GridResults, type TopCell } from './report/grid-report.js';
export { activationPatchingResults, pathPatchingResults, attributionPatchingResults, gridSchema } from './analyses/results.js';
export { pearson, spearman, ranks, gridAgreement, type GridAgreement } from './compare/correlation.js';
export { promptPairsKind } from './analyses/input.js';
