/**
 * @marr/multidim-features: irreducible multi-dimensional features (Engels et al. 2024) as marr analyses
 * (the default export), plus the indices, the clustering and the circle probe as plain functions.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export * from './irreducibility/mixture-index.js';
export * from './irreducibility/separability-index.js';
export * from './irreducibility/irreducibility.js';
export { irreducibilityAnalysis, irreducibilityStudy, planeFromTable, irreducibilityAnalysisParams, type IrreducibilityAnalysisParams } from './analyses/irreducibility.js';
export { irreducibilityResults } from './analyses/results.js';
export * from './circles/modular-tasks.js';
export * from './circles/circle-probe.js';
export * from './circles/circle-intervention.js';
export { circleProbeAnalysis, circleProbeStudy, probeTask, circleProbeParams, type CircleProbeParams, type TaskProbes } from './analyses/circle-probe.js';
export { circleInterventionAnalysis, circleInterventionStudy, interveneTask, circleInterventionParams, type CircleInterventionParams, type LayerIntervention } from './analyses/circle-intervention.js';
export { circleProbeResults, circleInterventionResults } from './analyses/results.js';
export * from './clustering/cosine-similarity.js';
export * from './clustering/graph-clusters.js';
export * from './clustering/spectral-clusters.js';
export * from './clustering/top-eigenvectors.js';
export * from './clusters/cluster-activations.js';
export * from './clusters/cluster-reducibility.js';
export { multidimFeaturesAnalysis, multidimFeaturesParams, type MultidimFeaturesParams } from './analyses/multidim-features.js';
export { multidimFeaturesResults } from './analyses/results.js';
export { plantedCircleSae, type PlantedCircleSae } from './planted/planted-circle-sae.js';
