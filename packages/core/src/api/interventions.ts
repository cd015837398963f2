/**
 * Interventions above the hooks: activation and path patching with their metrics, and multilevel studies.
 *
 * @module interventions
 */
export * from '../patching/index.js';
export * from '../study/index.js';
