/**
 * The toolkit analyses are built from: batching, progress and cancellation, activation collection, shards and merges of streaming statistics, linear algebra, the AdamW optimiser, and the environment settings.
 *
 * @module toolkit
 */
export * from '../toolkit/index.js';
export * from '../linalg/index.js';
export * from '../settings.js';
export { createAdamW, adamwStep, clipGradients, learningRate, type AdamWSettings, type AdamWState, type OptimArray } from '../optim/adamw.js';
