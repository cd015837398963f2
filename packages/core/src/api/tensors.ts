/**
 * Tensors: the Tensor type, shapes, indexing (get, select, slice) and the elementwise and reduction ops.
 *
 * @module tensors
 */
export * from '../tensor/tensor.js';
export * from '../tensor/ops.js';
export { indexed, tensorAt, selectAxis, sliceAxis } from '../tensor/indexing.js';
