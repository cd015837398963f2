/**
 * The numeric kernels the differentiable forward and backward run on: an allocator and matrix products.
 *
 * `runWithGrad` runs in float32 on the model backend's matmul (the fast kernels `run()` uses); the
 * gradient checks run the very same layer code in float64 on `float64Kernels`, so central finite
 * differences are accurate to ~1e-8.
 */
import type { Backend } from '../backend/backend.js';
import { tensor } from '../tensor/tensor.js';
export type FloatArray = Float32Array | Float64Array;

export interface MatmulShape {
  /** Rows of the result. */
  m: number;
  /** Inner dimension. */
  k: number;
  /** Columns of the result. */
  n: number;
  /** `a` is stored [k, m] and used transposed. */
  transA?: boolean;
  /** `b` is stored [n, k] and used transposed. */
  transB?: boolean;
}

export interface Kernels {
  readonly precision: 'float32' | 'float64';
  alloc(n: number): FloatArray;
  /** op(a)[m,k] · op(b)[k,n] as a new row-major [m, n] array. */
  matmul(a: FloatArray, b: FloatArray, shape: MatmulShape): Promise<FloatArray>;
  /** `batch` independent products of consecutive [m,k]·[k,n] blocks (a [batch, m, k], b [batch, k, n]). */
  batchedMatmul(a: FloatArray, b: FloatArray, batch: number, shape: MatmulShape): Promise<FloatArray>;
  /**
   * softmax(qh·khᵀ·scale + mask) over the keys, as a new [batch·heads, seq, seq] array: the backend's fused
   * attention kernel (the one `run()` uses), for kernels that have one; the layer code's own loops otherwise.
   * qh, kh [batch·heads, seq, dHead]; mask [batch, 1, seq, seq] additive (0 or MASKED).
   */
  attentionPattern?(qh: FloatArray, kh: FloatArray, mask: Float32Array, shape: { batch: number; heads: number; seq: number; dHead: number }, scale: number): Promise<FloatArray>;
}

/** A batched product as a loop of single products (for kernels without a native batched one). */
async function loopBatched(k: Pick<Kernels, 'alloc'>, a: FloatArray, b: FloatArray, batch: number, s: MatmulShape): Promise<FloatArray> {
  const out = k.alloc(batch * s.m * s.n);
  const sa = s.m * s.k, sb = s.k * s.n, so = s.m * s.n;
  if (a.length !== batch * sa || b.length !== batch * sb) {
    throw new RangeError(`batchedMatmul: operand sizes ${a.length} and ${b.length} do not match batch=${batch}, m=${s.m}, k=${s.k}, n=${s.n}`);
  }
  for (let i = 0; i < batch; i++) matmulInto(out.subarray(i * so, (i + 1) * so), a.subarray(i * sa, (i + 1) * sa), b.subarray(i * sb, (i + 1) * sb), s);
  return out;
}

function checkSizes(a: FloatArray, b: FloatArray, s: MatmulShape): void {
  if (a.length !== s.m * s.k || b.length !== s.k * s.n) {
    throw new RangeError(
      `matmul: operand sizes ${a.length} and ${b.length} do not match m=${s.m}, k=${s.k}, n=${s.n}`,
    );
  }
}

/**
 * A plain row-major matrix product into `out` (zeroed first). Loop orders keep the innermost loop
 * contiguous for each transpose case. Written by hand because it is the float64 reference for gradient
 * checks (no float64 GEMM is available in Node) and the float32 fallback when no native kernel is given.
 */
export function matmulInto(out: FloatArray, a: FloatArray, b: FloatArray, s: MatmulShape): void {
  checkSizes(a, b, s);
  const { m, k, n } = s;
  out.fill(0);
  if (!s.transA && !s.transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const av = a[i * k + p];
        if (av === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) out[ci + j] += av * b[bp + j];
      }
    }
  } else if (!s.transA && s.transB) {
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[ai + p] * b[bj + p];
        out[i * n + j] = acc;
      }
    }
  } else if (s.transA && !s.transB) {
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const av = a[ap + i];
        if (av === 0) continue;
        const ci = i * n;
        for (let j = 0; j < n; j++) out[ci + j] += av * b[bp + j];
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += a[p * m + i] * b[j * k + p];
        out[i * n + j] = acc;
      }
    }
  }
}

/** Float64 kernels: the reference the gradient checks run on. */
export const float64Kernels: Kernels = {
  precision: 'float64',
  alloc: (n) => new Float64Array(n),
  matmul: async (a, b, s) => {
    const out = new Float64Array(s.m * s.n);
    matmulInto(out, a, b, s);
    return out;
  },
  batchedMatmul: (a, b, batch, s) => loopBatched(float64Kernels, a, b, batch, s),
};

/** Float32 kernels on the hand-written product (a fallback; training uses `coreKernels`). */
export const float32JsKernels: Kernels = {
  precision: 'float32',
  alloc: (n) => new Float32Array(n),
  matmul: async (a, b, s) => {
    const out = new Float32Array(s.m * s.n);
    matmulInto(out, a, b, s);
    return out;
  },
  batchedMatmul: (a, b, batch, s) => loopBatched(float32JsKernels, a, b, batch, s),
};

const allocFloat32 = (n: number): FloatArray => new Float32Array(n);

/**
 * One kernels object per backend. Fresh closures per run would be inlined into the layer loops and then
 * collected, and V8 drops (and recompiles) optimized code whose inlined call targets die.
 */
const kernelsByBackend = new WeakMap<object, Kernels>();

/**
 * Float32 kernels on a model backend's `matmul` (ONNX Runtime when it loads, else core's reference
 * kernels): the same fast kernels `run()` uses. The same object for every call with the same backend.
 */
export function backendKernels(backend: Pick<Backend, 'matmul' | 'attentionPattern'>): Kernels {
  let k = kernelsByBackend.get(backend);
  if (!k) kernelsByBackend.set(backend, (k = createBackendKernels(backend)));
  return k;
}

function createBackendKernels(backend: Pick<Backend, 'matmul' | 'attentionPattern'>): Kernels {
  return {
    precision: 'float32',
    alloc: allocFloat32,
    matmul: async (a, b, s) => {
      if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) throw new TypeError('backendKernels.matmul: float32 operands expected');
      checkSizes(a, b, s);
      const at = tensor(s.transA ? [s.k, s.m] : [s.m, s.k], a);
      const bt = tensor(s.transB ? [s.n, s.k] : [s.k, s.n], b);
      const y = await backend.matmul(at, bt, { transposeA: s.transA, transposeB: s.transB });
      // the result's buffer is ours to keep and mutate (biases, residual adds)
      return y.data;
    },
    batchedMatmul: async (a, b, batch, s) => {
      if (!(a instanceof Float32Array) || !(b instanceof Float32Array)) throw new TypeError('backendKernels.batchedMatmul: float32 operands expected');
      if (a.length !== batch * s.m * s.k || b.length !== batch * s.k * s.n) {
        throw new RangeError(`batchedMatmul: operand sizes ${a.length} and ${b.length} do not match batch=${batch}, m=${s.m}, k=${s.k}, n=${s.n}`);
      }
      const at = tensor(s.transA ? [batch, s.k, s.m] : [batch, s.m, s.k], a);
      const bt = tensor(s.transB ? [batch, s.n, s.k] : [batch, s.k, s.n], b);
      return (await backend.matmul(at, bt, { transposeA: s.transA, transposeB: s.transB })).data;
    },
    attentionPattern: async (qh, kh, mask, s, scale) => {
      if (!(qh instanceof Float32Array) || !(kh instanceof Float32Array)) throw new TypeError('backendKernels.attentionPattern: float32 operands expected');
      const shape = [s.batch, s.heads, s.seq, s.dHead];
      const r = await backend.attentionPattern(tensor(shape, qh), tensor(shape, kh), tensor([s.batch, 1, s.seq, s.seq], mask), scale, false);
      return r.pattern.data;
    },
  };
}
