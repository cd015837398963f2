export * from './tensor/tensor.js';
export * from './model/config.js';
export * from './model/weights.js';
export * from './model/types.js';
export * from './random/rng.js';
export * from './analysis/protocol.js';
export * from './report/types.js';
export * from './fixtures/shared.js';
