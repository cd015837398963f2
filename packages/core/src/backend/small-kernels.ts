/**
 * Kernels for the small products of decoding (a few rows against a small weight), where a native
 * call's fixed cost is larger than the arithmetic: dot products against the weight's transpose, on the
 * WebAssembly SIMD kernels (wasm/wasm-kernels.ts) where the runtime has them, else in JavaScript
 * (contiguous rows, four accumulators), with no allocation beyond the output.
 */
import type { Activation } from '../model/config.js';
import { activation, transpose } from '../tensor/ops.js';
import { tensor, type Float32Tensor } from '../tensor/tensor.js';
import { wasmKernels } from './wasm/wasm-kernels.js';

/** Products with at most this many multiply-adds, and at most SMALL_ROWS rows, run in JavaScript. */
export const SMALL_MACS = 1 << 17;
export const SMALL_ROWS = 4;

export function isSmallProduct(rows: number, K: number, N: number): boolean {
  return rows <= SMALL_ROWS && rows * K * N <= SMALL_MACS;
}

/** w [K, N] as [N, K]. */
export function transposed(w: Float32Tensor): Float32Array {
  return transpose(w, [1, 0]).data;
}

/** y[r, n] = sum_k x[r, k] wt[n, k] (+ bias[n]), written into `out`. */
export function dotRows(x: Float32Array, rows: number, K: number, wt: Float32Array, N: number, bias: Float32Array | undefined, out: Float32Array): void {
  const K4 = K - (K % 4);
  for (let r = 0; r < rows; r++) {
    const xo = r * K;
    for (let n = 0; n < N; n++) {
      const wo = n * K;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      let k = 0;
      for (; k < K4; k += 4) {
        a0 += x[xo + k] * wt[wo + k];
        a1 += x[xo + k + 1] * wt[wo + k + 1];
        a2 += x[xo + k + 2] * wt[wo + k + 2];
        a3 += x[xo + k + 3] * wt[wo + k + 3];
      }
      for (; k < K; k++) a0 += x[xo + k] * wt[wo + k];
      out[r * N + n] = a0 + a1 + a2 + a3 + (bias ? bias[n] : 0);
    }
  }
}

/** x [..., K] w [K, N] (+ bias) for a few rows; `transposeOf` gives (and caches) w as [N, K]. */
export function linearSmall(x: Float32Tensor, w: Float32Tensor, bias: Float32Tensor | undefined, transposeOf: (w: Float32Tensor) => Float32Array): Float32Tensor {
  const [K, N] = w.shape;
  const rows = x.data.length / K;
  const wasm = wasmKernels();
  let out = wasm ? wasm.dotRows(x.data, rows, K, w.data, () => transposeOf(w), N, bias?.data) : null;
  if (!out) {
    out = new Float32Array(rows * N);
    dotRows(x.data, rows, K, transposeOf(w), N, bias?.data, out);
  }
  return tensor([...x.shape.slice(0, -1), N], out);
}

/** The MLP input side for a few rows: pre (gate), preLinear (up, gated only), post. */
export function mlpInSmall(
  x: Float32Tensor,
  wIn: Float32Tensor,
  bIn: Float32Tensor | undefined,
  wGate: Float32Tensor | undefined,
  act: Activation,
  transposeOf: (w: Float32Tensor) => Float32Array,
): { pre: Float32Tensor; preLinear?: Float32Tensor; post: Float32Tensor } {
  const f = activation(act);
  const lin = linearSmall(x, wIn, bIn, transposeOf);
  const post = new Float32Array(lin.data.length);
  if (wGate) {
    const pre = linearSmall(x, wGate, undefined, transposeOf);
    for (let i = 0; i < post.length; i++) post[i] = f(pre.data[i]) * lin.data[i];
    return { pre, preLinear: lin, post: tensor(lin.shape, post) };
  }
  for (let i = 0; i < post.length; i++) post[i] = f(lin.data[i]);
  return { pre: lin, post: tensor(lin.shape, post) };
}

/**
 * Attention for a few query rows, straight from [B, T, H, dh] queries and [B, S, K, dh] keys and values
 * (query head h reads key/value head floor(h / (H / K))), with the additive mask [B, 1, T, S]: the
 * decoding step's attention without building the pattern or moving heads between layouts.
 */
export function attendSmall(q: Float32Tensor, k: Float32Tensor, v: Float32Tensor, mask: Float32Tensor, scale: number): Float32Tensor {
  const [B, T, H, D] = q.shape;
  const S = k.shape[1], K = k.shape[2];
  const wasm = wasmKernels();
  if (wasm && B === 1) return tensor(q.shape, wasm.attend(q.data, k.data, v.data, mask.data, T, H, K, S, D, scale));
  const rep = H / K;
  const qd = q.data, kd = k.data, vd = v.data, md = mask.data;
  const z = new Float32Array(B * T * H * D);
  const w = new Float64Array(rep * S);
  const acc = new Float64Array(rep * D);
  const live = new Int32Array(S);
  const max = new Float64Array(rep);
  const sum = new Float64Array(rep);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const mo = (b * T + t) * S;
      let n = 0;
      for (let s = 0; s < S; s++) if (md[mo + s] > -1e30) live[n++] = s;
      for (let kh = 0; kh < K; kh++) {
        // The rep query heads that read this key/value head, together: each key row is loaded once.
        const q0 = ((b * T + t) * H + kh * rep) * D;
        max.fill(-Infinity);
        for (let i = 0; i < n; i++) {
          const s = live[i];
          const ko = ((b * S + s) * K + kh) * D;
          const m = md[mo + s];
          for (let r = 0; r < rep; r++) {
            const qo = q0 + r * D;
            let dot = 0;
            for (let e = 0; e < D; e++) dot += qd[qo + e] * kd[ko + e];
            const x = dot * scale + m;
            w[r * S + i] = x;
            if (x > max[r]) max[r] = x;
          }
        }
        sum.fill(0);
        for (let r = 0; r < rep; r++) {
          const mr = max[r];
          let sr = 0;
          for (let i = 0; i < n; i++) {
            const e = Math.exp(w[r * S + i] - mr);
            w[r * S + i] = e;
            sr += e;
          }
          sum[r] = sr;
        }
        acc.fill(0);
        for (let i = 0; i < n; i++) {
          const vo = ((b * S + live[i]) * K + kh) * D;
          for (let r = 0; r < rep; r++) {
            const p = w[r * S + i];
            const ao = r * D;
            for (let e = 0; e < D; e++) acc[ao + e] += p * vd[vo + e];
          }
        }
        for (let r = 0; r < rep; r++) {
          const inv = 1 / sum[r];
          for (let e = 0; e < D; e++) z[q0 + r * D + e] = acc[r * D + e] * inv;
        }
      }
    }
  return tensor([B, T, H, D], z);
}
