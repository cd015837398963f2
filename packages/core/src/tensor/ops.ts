/**
 * Pure-TypeScript reference kernels for the ops a transformer needs.
 *
 * These are the reference backend: simple, readable loops that the fast ONNX Runtime backend is tested
 * against, and the fallback where the native module is unavailable. All math is float32 storage with
 * float64 accumulation where a reduction would otherwise lose precision.
 */
import { type Float32Tensor, type Int32Tensor, sizeOf, tensor } from './tensor.js';

function last(t: { shape: readonly number[] }): number {
  return t.shape[t.shape.length - 1];
}

/**
 * Matrix product over the last two dimensions with broadcasting of leading (batch) dimensions
 * when they are equal or `b` is 2-D. a: [..., M, K], b: [..., K, N] (or transposed when asked).
 */
export function matmulReference(
  a: Float32Tensor,
  b: Float32Tensor,
  options: { transposeA?: boolean; transposeB?: boolean } = {},
): Float32Tensor {
  const { transposeA = false, transposeB = false } = options;
  if (a.shape.length < 2 || b.shape.length < 2) {
    throw new RangeError(`matmul: both inputs need at least 2 dimensions, got [${a.shape}] and [${b.shape}]`);
  }
  const ar = a.shape.length, br = b.shape.length;
  const M = transposeA ? a.shape[ar - 1] : a.shape[ar - 2];
  const K = transposeA ? a.shape[ar - 2] : a.shape[ar - 1];
  const Kb = transposeB ? b.shape[br - 1] : b.shape[br - 2];
  const N = transposeB ? b.shape[br - 2] : b.shape[br - 1];
  if (K !== Kb) throw new RangeError(`matmul: inner dimensions differ: [${a.shape}] x [${b.shape}]`);
  const batchA = a.shape.slice(0, ar - 2);
  const batchB = b.shape.slice(0, br - 2);
  const batch = sizeOf(batchA);
  if (br > 2 && (batchB.length !== batchA.length || batchB.some((d, i) => d !== batchA[i]))) {
    throw new RangeError(`matmul: batch dimensions differ: [${a.shape}] x [${b.shape}]`);
  }
  const out = new Float32Array(batch * M * N);
  const row = new Float64Array(N);
  for (let bi = 0; bi < batch; bi++) {
    const aOff = bi * M * K;
    const bOff = br > 2 ? bi * K * N : 0;
    for (let i = 0; i < M; i++) {
      row.fill(0);
      for (let k = 0; k < K; k++) {
        const av = transposeA ? a.data[aOff + k * M + i] : a.data[aOff + i * K + k];
        if (av === 0) continue;
        if (transposeB) {
          for (let j = 0; j < N; j++) row[j] += av * b.data[bOff + j * K + k];
        } else {
          const base = bOff + k * N;
          for (let j = 0; j < N; j++) row[j] += av * b.data[base + j];
        }
      }
      const o = (bi * M + i) * N;
      for (let j = 0; j < N; j++) out[o + j] = row[j];
    }
  }
  return tensor([...batchA, M, N], out);
}

/** x @ w + bias over the last dimension: x [..., K], w [K, N], bias [N]. */
export function linearReference(x: Float32Tensor, w: Float32Tensor, bias?: Float32Tensor): Float32Tensor {
  const K = last(x);
  const rows = x.data.length / K;
  const y = matmulReference(tensor([rows, K], x.data), w);
  if (bias) addBiasInPlace(y, bias);
  return tensor([...x.shape.slice(0, -1), w.shape[1]], y.data);
}

export function addBiasInPlace(x: Float32Tensor, bias: Float32Tensor): void {
  const n = bias.data.length;
  if (last(x) !== n) throw new RangeError(`addBias: bias of length ${n} does not match last dimension of [${x.shape}]`);
  for (let i = 0; i < x.data.length; i += n) for (let j = 0; j < n; j++) x.data[i + j] += bias.data[j];
}

export function add(a: Float32Tensor, b: Float32Tensor): Float32Tensor {
  if (a.data.length !== b.data.length) throw new RangeError(`add: shapes differ: [${a.shape}] and [${b.shape}]`);
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
  return tensor(a.shape, out);
}

export function addInPlace(a: Float32Tensor, b: Float32Tensor): Float32Tensor {
  if (a.data.length !== b.data.length) throw new RangeError(`add: shapes differ: [${a.shape}] and [${b.shape}]`);
  for (let i = 0; i < a.data.length; i++) a.data[i] += b.data[i];
  return a;
}

export function scale(a: Float32Tensor, s: number): Float32Tensor {
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i] * s;
  return tensor(a.shape, out);
}

/** Softmax over the last dimension (max-subtracted, float64 sum). */
export function softmax(x: Float32Tensor): Float32Tensor {
  const n = last(x);
  const out = new Float32Array(x.data.length);
  for (let r = 0; r < x.data.length; r += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (x.data[r + j] > m) m = x.data[r + j];
    let s = 0;
    for (let j = 0; j < n; j++) {
      const e = Math.exp(x.data[r + j] - m);
      out[r + j] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let j = 0; j < n; j++) out[r + j] *= inv;
  }
  return tensor(x.shape, out);
}

/** Log-softmax over the last dimension. */
export function logSoftmax(x: Float32Tensor): Float32Tensor {
  const n = last(x);
  const out = new Float32Array(x.data.length);
  for (let r = 0; r < x.data.length; r += n) {
    let m = -Infinity;
    for (let j = 0; j < n; j++) if (x.data[r + j] > m) m = x.data[r + j];
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x.data[r + j] - m);
    const lse = m + Math.log(s);
    for (let j = 0; j < n; j++) out[r + j] = x.data[r + j] - lse;
  }
  return tensor(x.shape, out);
}

export interface NormResult {
  /** The normalised (and affinely transformed) output, same shape as the input. */
  output: Float32Tensor;
  /** The normalised input before the affine weights (TransformerLens hook_normalized is after them). */
  scale: Float32Tensor;
}

/**
 * LayerNorm over the last dimension: (x - mean) / sqrt(var + eps) * w + b.
 * `scale` is sqrt(var + eps) per row, shape [..., 1] (TransformerLens `hook_scale`).
 */
export function layerNorm(x: Float32Tensor, w: Float32Tensor, b: Float32Tensor | undefined, eps: number): NormResult {
  const n = last(x);
  const rows = x.data.length / n;
  const out = new Float32Array(x.data.length);
  const sc = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += x.data[o + j];
    mean /= n;
    let v = 0;
    for (let j = 0; j < n; j++) {
      const c = x.data[o + j] - mean;
      v += c * c;
    }
    const s = Math.sqrt(v / n + eps);
    sc[r] = s;
    for (let j = 0; j < n; j++) out[o + j] = ((x.data[o + j] - mean) / s) * w.data[j] + (b ? b.data[j] : 0);
  }
  return { output: tensor(x.shape, out), scale: tensor([...x.shape.slice(0, -1), 1], sc) };
}

/** RMSNorm over the last dimension: x / sqrt(mean(x^2) + eps) * w. `scale` is the RMS divisor. */
export function rmsNorm(x: Float32Tensor, w: Float32Tensor, eps: number): NormResult {
  const n = last(x);
  const rows = x.data.length / n;
  const out = new Float32Array(x.data.length);
  const sc = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let ss = 0;
    for (let j = 0; j < n; j++) ss += x.data[o + j] * x.data[o + j];
    const s = Math.sqrt(ss / n + eps);
    sc[r] = s;
    for (let j = 0; j < n; j++) out[o + j] = (x.data[o + j] / s) * w.data[j];
  }
  return { output: tensor(x.shape, out), scale: tensor([...x.shape.slice(0, -1), 1], sc) };
}

/**
 * Error function in float64, accurate to ~1e-13 (far below float32 rounding): the Maclaurin series for
 * |x| < 3 and the Laplace continued fraction for erfc beyond. Written here because JavaScript has no
 * Math.erf and the reference backend must not depend on a native module.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return x < 0 ? -1 : 1;
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** Applies an elementwise function to a copy. */
export function mapElements(x: Float32Tensor, f: (v: number) => number): Float32Tensor {
  const out = new Float32Array(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
  return tensor(x.shape, out);
}

/** GELU, exact: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)). */
export const geluExact = (v: number): number => 0.5 * v * (1 + erf(v / Math.SQRT2));
/** GELU, tanh approximation (GPT-2's "gelu_new"). */
export const geluTanh = (v: number): number => 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
export const silu = (v: number): number => v / (1 + Math.exp(-v));
export const relu = (v: number): number => (v > 0 ? v : 0);

export function activation(name: 'gelu_new' | 'gelu' | 'silu' | 'relu'): (v: number) => number {
  switch (name) {
    case 'gelu_new':
      return geluTanh;
    case 'gelu':
      return geluExact;
    case 'silu':
      return silu;
    case 'relu':
      return relu;
  }
}

/**
 * Rotary position embedding applied in place to x [batch, seq, heads, dHead] at the given positions
 * [batch, seq]. Only the first `rotaryDim` coordinates of each head rotate.
 * - `half`: pairs (i, i + rotaryDim/2) (Hugging Face rotate_half);
 * - `interleaved`: pairs (2i, 2i + 1) (llama2.c, GPT-J).
 */
/**
 * The inverse frequencies of rotary embeddings, 1 / base^(2i / rotaryDim), rounded to float32 as
 * Hugging Face stores them. `rotaryAngle` multiplies one by a position the same way (float32 times float32).
 */
export function rotaryInverseFrequencies(rotaryDim: number, base: number): Float32Array {
  const half = rotaryDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = 1 / Math.pow(base, (2 * i) / rotaryDim);
  return inv;
}

/** The rotary angle at `pos` for an inverse frequency from `rotaryInverseFrequencies`. */
export function rotaryAngle(pos: number, inverseFrequency: number): number {
  return Math.fround(Math.fround(pos) * inverseFrequency);
}

export function applyRotary(
  x: Float32Tensor,
  positions: Int32Tensor,
  rotaryDim: number,
  base: number,
  style: 'half' | 'interleaved',
): Float32Tensor {
  const [B, T, H, D] = x.shape;
  const half = rotaryDim / 2;
  const invFreq = rotaryInverseFrequencies(rotaryDim, base);
  const out = x.data.slice();
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const pos = positions.data[b * T + t];
      for (let i = 0; i < half; i++) {
        // Angles are computed as HF does: float32 position * float32 inverse frequency.
        const ang = rotaryAngle(pos, invFreq[i]);
        const c = Math.cos(ang), s = Math.sin(ang);
        for (let h = 0; h < H; h++) {
          const o = ((b * T + t) * H + h) * D;
          const i0 = style === 'half' ? o + i : o + 2 * i;
          const i1 = style === 'half' ? o + i + half : o + 2 * i + 1;
          const x0 = x.data[i0], x1 = x.data[i1];
          out[i0] = x0 * c - x1 * s;
          out[i1] = x1 * c + x0 * s;
        }
      }
    }
  }
  return tensor(x.shape, out);
}

/** Rows of `table` [V, d] for each id in `ids` [...]: output [..., d]. */
export function embeddingLookup(table: Float32Tensor, ids: Int32Tensor): Float32Tensor {
  const [V, d] = table.shape;
  const out = new Float32Array(ids.data.length * d);
  for (let i = 0; i < ids.data.length; i++) {
    const id = ids.data[i];
    if (id < 0 || id >= V || !Number.isInteger(id)) {
      throw new RangeError(`embedding: token id ${id} is outside the vocabulary [0, ${V})`);
    }
    out.set(table.data.subarray(id * d, id * d + d), i * d);
  }
  return tensor([...ids.shape, d], out);
}

/** Sum, mean, max and argmax over the last dimension. */
export function sumLast(x: Float32Tensor): Float32Tensor {
  const n = last(x);
  const out = new Float32Array(x.data.length / n);
  for (let r = 0; r < out.length; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += x.data[r * n + j];
    out[r] = s;
  }
  return tensor(x.shape.slice(0, -1), out);
}

export function meanLast(x: Float32Tensor): Float32Tensor {
  const n = last(x);
  const s = sumLast(x);
  for (let i = 0; i < s.data.length; i++) s.data[i] /= n;
  return s;
}

export function argmaxLast(x: Float32Tensor): Int32Tensor {
  const n = last(x);
  const rows = x.data.length / n;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < n; j++) if (x.data[r * n + j] > x.data[r * n + best]) best = j;
    out[r] = best;
  }
  return { dtype: 'int32', shape: x.shape.slice(0, -1), data: out };
}

/** Permutes dimensions (general transpose). */
export function transpose(x: Float32Tensor, perm: readonly number[]): Float32Tensor {
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = new Array<number>(x.shape.length);
  let acc = 1;
  for (let i = x.shape.length - 1; i >= 0; i--) {
    inStrides[i] = acc;
    acc *= x.shape[i];
  }
  const permStrides = perm.map((p) => inStrides[p]);
  const out = new Float32Array(x.data.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < shape.length; d++) src += idx[d] * permStrides[d];
    out[o] = x.data[src];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return tensor(shape, out);
}
