/** Integrated gradients on token embeddings (the public part; the helpers stay inside). */
export { pathQuadrature, gaussLegendre, PATH_RULES, GRADED_PANELS, DEFAULT_IG_STEPS, type PathRule, type PathQuadrature } from './path-quadrature.js';
export type { EmbeddingBaseline } from './embedding-baseline.js';
export { integratedGradients, gradientTimesInput, type IntegratedGradientsOptions, type IntegratedGradientsResult, type TokenAttributions } from './integrated-gradients.js';
