export * from './linalg/cholesky.js';
export * from './problem/design-matrix.js';
export * from './problem/gram-problem.js';
export * from './exhaustive/exhaustive-search.js';
export * from './branch-and-bound/best-subset.js';
