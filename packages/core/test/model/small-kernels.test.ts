import { describe, expect, it } from 'vitest';
import { createRng, matmulReference, softmax, tensor, type Float32Tensor } from '../../src/index.js';
import { attendSmall, dotRows, linearSmall, transposed } from '../../src/backend/small-kernels.js';
import { wasmKernels } from '../../src/backend/wasm/wasm-kernels.js';
import { MASKED } from '../../src/backend/backend.js';

// The decoding step's small kernels (WebAssembly SIMD, with the JavaScript fallback) against the
// reference matmul and an attention written out from its definition.
const rand = (shape: number[], seed: number): Float32Tensor => {
  const rng = createRng(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
};
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('small-product kernels', () => {
  it('the WebAssembly module loads on Node 20', () => {
    expect(wasmKernels()).not.toBeNull();
  });

  it.each([[1, 64, 172], [3, 37, 5], [4, 172, 64], [2, 5, 513]])('rows x K x N = %i x %i x %i equals the reference matmul (WebAssembly and JavaScript)', (rows, K, N) => {
    const x = rand([rows, K], 1), w = rand([K, N], 2), b = rand([N], 3);
    const ref = matmulReference(x, w);
    for (let r = 0; r < rows; r++) for (let n = 0; n < N; n++) ref.data[r * N + n] += b.data[n];
    const viaWasm = linearSmall(x, w, b, transposed);
    const js = new Float32Array(rows * N);
    dotRows(x.data, rows, K, transposed(w), N, b.data, js);
    expect(maxAbs(viaWasm.data, ref.data)).toBeLessThan(1e-4);
    expect(maxAbs(js, ref.data)).toBeLessThan(1e-4);
  });

  it.each([[1, 8, 4, 8, 37], [2, 4, 4, 6, 9], [1, 6, 2, 5, 300]])('attention (T %i, H %i, kv heads %i, dHead %i, S %i) equals softmax(q k^T / sqrt d + mask) v', (T, H, Kh, D, S) => {
    const q = rand([1, T, H, D], 4), k = rand([1, S, Kh, D], 5), v = rand([1, S, Kh, D], 6);
    const mask = tensor([1, 1, T, S]);
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) if (s > S - T + t || s % 7 === 3) mask.data[t * S + s] = MASKED;
    const scale = 1 / Math.sqrt(D);
    // Reference: per head, scores over keys, softmax, weighted values.
    const want = new Float32Array(T * H * D);
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++) {
        const kh = Math.floor(h / (H / Kh));
        const scores = tensor([S]);
        for (let s = 0; s < S; s++) {
          let dot = 0;
          for (let e = 0; e < D; e++) dot += q.data[(t * H + h) * D + e] * k.data[(s * Kh + kh) * D + e];
          scores.data[s] = dot * scale + mask.data[t * S + s];
        }
        const p = softmax(scores).data;
        for (let s = 0; s < S; s++) for (let e = 0; e < D; e++) want[(t * H + h) * D + e] += p[s] * v.data[(s * Kh + kh) * D + e];
      }
    expect(maxAbs(attendSmall(q, k, v, mask, scale).data, want)).toBeLessThan(1e-5);
    // A batch of two identical rows takes the JavaScript kernel; each row must equal the reference too.
    const two = (t: Float32Tensor) => tensor([2, ...t.shape.slice(1)], Float32Array.from([...t.data, ...t.data]));
    const batch = attendSmall(two(q), two(k), two(v), two(mask), scale).data;
    expect(maxAbs(batch.subarray(0, want.length), want)).toBeLessThan(1e-5);
    expect(maxAbs(batch.subarray(want.length), want)).toBeLessThan(1e-5);
  });
});

describe('devices', () => {
  it('cpu is the default; cuda without its provider libraries is one clear error naming the fix; unknown names are rejected', async () => {
    const { createOrtBackend } = await import('../../src/index.js');
    expect(createOrtBackend({ threads: 1, device: 'cpu' }).name).toBe('onnxruntime');
    const { execSync } = await import('node:child_process');
    const installed = execSync('find "$(dirname "$(node -p "require.resolve(\'onnxruntime-node/package.json\')")")/bin" -name "libonnxruntime_providers_cuda.so"', { encoding: 'utf8' }).trim() !== '';
    if (installed) expect(createOrtBackend({ threads: 1, device: 'cuda' }).name).toBe('onnxruntime');
    else expect(() => createOrtBackend({ threads: 1, device: 'cuda' })).toThrow(/no CUDA execution provider libraries.*ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node.*--device cpu/);
    expect(() => createOrtBackend({ threads: 1, device: 'tpu' as never })).toThrow(/unknown device "tpu"; use one of: cpu, cuda/);
  });
});
