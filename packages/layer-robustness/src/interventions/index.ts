export * from './prediction-rows.js';
export * from './run-from-residual.js';
export * from './schedules.js';
export * from './sweep.js';
export * from './token-metrics.js';
