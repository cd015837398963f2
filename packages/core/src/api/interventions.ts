/**
 * Interventions above the hooks: activation and path patching with their metrics, integrated-gradients token attributions, and multilevel studies.
 *
 * @module interventions
 */
export * from '../patching/index.js';
export * from '../attribution/index.js';
export * from '../study/index.js';
