/**
 * A process-wide backend for code that needs fast kernels without a model (trainers, analyses).
 */
import type { Backend } from './backend.js';
import type { Float32Tensor } from '../tensor/tensor.js';
import { createOrtBackend, loadOnnxRuntime } from './ort-backend.js';
import { createReferenceBackend } from './reference-backend.js';
import { settings } from '../settings.js';

let shared: Backend | null = null;

/** The shared backend: $MARR_BACKEND, else onnxruntime when it loads, else the reference kernels. */
export function defaultBackend(): Backend {
  if (!shared) {
    const want = settings().backend;
    shared = want === 'reference' || (!want && !loadOnnxRuntime()) ? createReferenceBackend() : createOrtBackend();
  }
  return shared;
}

/** Batched matrix product on the shared backend: a [..., M, K] @ b [..., K, N] (or transposed). */
export function matmul(
  a: Float32Tensor,
  b: Float32Tensor,
  options?: { transposeA?: boolean; transposeB?: boolean },
): Promise<Float32Tensor> {
  return defaultBackend().matmul(a, b, options);
}
