/**
 * Gradients through the hooked transformer: `model.runWithGrad` (its options and result types live with
 * the model types), the scalar metrics it differentiates, and the numeric kernels (float32 on a backend's
 * matmul, float64 reference kernels for gradient checks).
 *
 * @module gradients
 */
export { gradMetrics, type GradMetric, type GradMetricInput, type GradMetricOutput } from '../grad/metrics.js';
export { backendKernels, float64Kernels, float32JsKernels, matmulInto, type Kernels, type MatmulShape, type FloatArray } from '../grad/kernels.js';
