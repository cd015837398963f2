/**
 * Weight geometry of a layer's neurons against the effective unembedding W [d, V]:
 * - `norm` = ||w_out||;
 * - `logitVar` = the variance over the vocabulary of cos(w_out, W[:, v]) (entropy neurons: low);
 * - `nullSpaceFraction` = ||U_k^T w_out|| / ||w_out||, U_k the k left singular vectors of W with the
 *   smallest singular values (the authors' `get_potential_entropy_neurons_udark`).
 */
import { denseMatrix, matmul, svd, symmetricEig, tensor, type DenseMatrix, type Float32Tensor } from '@marr/core';

export interface NeuronGeometry {
  norm: Float64Array;
  logitVar: Float64Array;
  nullSpaceFraction: Float64Array;
  /** Singular values of W, descending. */
  singularValues: Float64Array;
  /** The k bottom left singular vectors, [d, k] (column j: the (j+1)-th smallest... in descending order of s). */
  bottom: DenseMatrix;
  k: number;
}

/** The default k: round(0.015 d), at least 1 (12 for GPT-2 small's d = 768, as in the paper). */
export function defaultNullSpaceK(dModel: number): number {
  return Math.max(1, Math.round(0.015 * dModel));
}

/** ||P w|| / ||w|| for the orthonormal columns of `basis` [d, k]; 0 for a zero row. */
export function subspaceFraction(w: ArrayLike<number>, offset: number, basis: DenseMatrix): number {
  const { rows: d, cols: k } = basis;
  let ww = 0;
  for (let i = 0; i < d; i++) ww += w[offset + i] * w[offset + i];
  if (ww === 0) return 0;
  let pp = 0;
  for (let j = 0; j < k; j++) {
    let dot = 0;
    for (let i = 0; i < d; i++) dot += basis.data[i * k + j] * w[offset + i];
    pp += dot * dot;
  }
  return Math.sqrt(pp / ww);
}

/** Columns `from`..`to` (exclusive) of a dense matrix. */
function columns(m: DenseMatrix, from: number, to: number): DenseMatrix {
  const out = denseMatrix(m.rows, to - from);
  for (let i = 0; i < m.rows; i++) for (let j = from; j < to; j++) out.data[i * (to - from) + j - from] = m.data[i * m.cols + j];
  return out;
}

/** Variance over columns of the cosines of each row of wOut with each column of W, in chunks of rows. */
async function cosineVariance(wOut: Float32Tensor, W: Float32Tensor, norms: Float64Array): Promise<Float64Array> {
  const [n, d] = wOut.shape;
  const V = W.shape[1];
  const colNorm = new Float64Array(V);
  for (let i = 0; i < d; i++) for (let j = 0; j < V; j++) colNorm[j] += W.data[i * V + j] ** 2;
  const Wn = new Float32Array(W.data.length);
  for (let i = 0; i < d; i++) for (let j = 0; j < V; j++) Wn[i * V + j] = colNorm[j] > 0 ? W.data[i * V + j] / Math.sqrt(colNorm[j]) : 0;
  const out = new Float64Array(n);
  const chunk = Math.max(1, Math.floor(4_000_000 / V));
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const rows = new Float32Array((e - s) * d);
    for (let r = s; r < e; r++) for (let i = 0; i < d; i++) rows[(r - s) * d + i] = norms[r] > 0 ? wOut.data[r * d + i] / norms[r] : 0;
    const cos = await matmul(tensor([e - s, d], rows), tensor([d, V], Wn));
    for (let r = s; r < e; r++) {
      let m = 0;
      for (let j = 0; j < V; j++) m += cos.data[(r - s) * V + j];
      m /= V;
      let v = 0;
      for (let j = 0; j < V; j++) v += (cos.data[(r - s) * V + j] - m) ** 2;
      out[r] = v / V;
    }
  }
  return out;
}

/**
 * The singular values and left singular vectors of W [d, V] (V >= d). `svd`: ml-matrix's SVD of W itself;
 * `gram`: the eigendecomposition of W W^T [d, d] (computed by the backend's matmul in float32), whose
 * eigenvectors are W's left singular vectors and whose eigenvalues are the squared singular values. The
 * default picks the SVD up to 4M entries (d x V) and the Gram route above (a GPT-2-sized W_U would take
 * minutes in the JavaScript SVD).
 */
export async function leftSingular(W: Float32Tensor, method: 'svd' | 'gram' | 'auto' = 'auto'): Promise<{ s: Float64Array; u: DenseMatrix }> {
  const [d, V] = W.shape;
  const use = method === 'auto' ? (d * V <= 4_000_000 ? 'svd' : 'gram') : method;
  if (use === 'svd') {
    const dec = svd(denseMatrix(d, V, W.data));
    return { s: dec.s, u: dec.u };
  }
  const G = await matmul(W, W, { transposeB: true });
  const sym = denseMatrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sym.data[i * d + j] = 0.5 * (G.data[i * d + j] + G.data[j * d + i]);
  const eig = symmetricEig(sym);
  return { s: Float64Array.from(eig.values, (x) => Math.sqrt(Math.max(0, x))), u: eig.vectors };
}

export async function neuronGeometry(wOut: Float32Tensor, W: Float32Tensor, k: number, method: 'svd' | 'gram' | 'auto' = 'auto'): Promise<NeuronGeometry> {
  const [n, d] = wOut.shape;
  if (W.shape[0] !== d) throw new RangeError(`neuronGeometry: w_out rows have ${d} values but W has ${W.shape[0]} rows`);
  if (!Number.isInteger(k) || k < 1 || k > d) throw new RangeError(`nullSpaceK must be an integer from 1 to d_model = ${d}, got ${k}`);
  const norm = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += wOut.data[r * d + i] ** 2;
    norm[r] = Math.sqrt(ss);
  }
  const logitVar = await cosineVariance(wOut, W, norm);
  const dec = await leftSingular(W, method);
  const r = dec.s.length;
  const bottom = columns(dec.u, r - k, r);
  const nullSpaceFraction = new Float64Array(n);
  for (let i = 0; i < n; i++) nullSpaceFraction[i] = subspaceFraction(wOut.data, i * d, bottom);
  return { norm, logitVar, nullSpaceFraction, singularValues: dec.s, bottom, k };
}
