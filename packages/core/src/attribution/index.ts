export * from './path-quadrature.js';
export * from './embedding-baseline.js';
export * from './path-metric.js';
export * from './integrated-gradients.js';
