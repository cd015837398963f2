/** Shards and merge: split a run's work items, write float64 partial statistics, check and merge them. */
export * from './shard-selection.js';
export * from './partial-state.js';
export * from './partial-files.js';
export * from './shard-merge.js';
