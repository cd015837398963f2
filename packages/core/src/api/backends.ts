/**
 * Backends: the kernels models run on (ONNX Runtime on CPU or CUDA, the pure-TypeScript reference), the default backend and its matmul.
 *
 * @module backends
 */
export * from '../backend/backend.js';
export { createReferenceBackend } from '../backend/reference-backend.js';
export { OnnxGraph } from '../backend/onnx-model.js';
export { createOrtBackend, loadOnnxRuntime, checkDevice, DEVICES, type Device, type OrtBackendOptions } from '../backend/ort-backend.js';
export { defaultBackend, matmul } from '../backend/default-backend.js';
