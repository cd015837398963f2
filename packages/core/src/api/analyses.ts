/**
 * The analysis protocol: definePlugin and defineAnalysis, parameters, named inputs and input kinds, manifests, errors, the runner (runAnalysis) and sharded runs.
 *
 * @module analyses
 */
export * from '../analysis/protocol.js';
export * from '../analysis/errors.js';
export * from '../analysis/names.js';
export * from '../analysis/params.js';
export * from '../analysis/inputs.js';
export * from '../analysis/named-inputs.js';
export * from '../analysis/manifest.js';
export * from '../analysis/package-info.js';
export * from '../analysis/runner.js';
export * from '../analysis/sharded-runner.js';
export * from '../analysis/version.js';
