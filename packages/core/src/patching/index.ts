export * from './metrics.js';
export * from './pairs.js';
export * from './patched-rows.js';
export * from './activation-patching.js';
export * from './path-patching.js';
export * from './attribution-patching.js';
