/** The linear algebra plugins share: dense matrices, SVD, symmetric eigendecomposition, Cholesky, PCA, ridge with leave-one-out, logistic regression. */
export * from './dense.js';
export * from './decompositions.js';
export * from './pca.js';
export * from './ridge.js';
export * from './logistic.js';
