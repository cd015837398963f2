/** The analysis toolkit: one batching loop, one cancellation path, one progress API, shared activation collection. */
export * from './cancellation.js';
export * from './batches.js';
export * from './activations.js';
export * from './text-windows.js';
export * from './shards/index.js';
