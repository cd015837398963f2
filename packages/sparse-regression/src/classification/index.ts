export * from './binary-labels.js';
export * from './logistic-regression.js';
export * from './logistic-support-oracle.js';
export * from './optimal-sparse-classifier.js';
export * from './exhaustive-sparse-classifier.js';
