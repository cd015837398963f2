/**
 * Re-layout helpers between checkpoint matrices and marr's per-head TransformerLens layout.
 *
 * Two matrix conventions occur in checkpoints:
 * - "out-major" ([out, in], PyTorch nn.Linear): y = W x, row r is output feature r;
 * - "in-major" ([in, out], GPT-2's Conv1D, llama2.c's nothing, marr's own W_in/W_out/W_U): y = x W.
 */
import { tensor, type Float32Tensor } from '../tensor/tensor.js';

function dims2(t: Float32Tensor, what: string): [number, number] {
  if (t.shape.length !== 2) throw new Error(`${what}: expected a 2-D matrix, got shape [${t.shape.join(', ')}]`);
  return [t.shape[0], t.shape[1]];
}

export function transpose2d(t: Float32Tensor, what = 'transpose'): Float32Tensor {
  const [r, c] = dims2(t, what);
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return tensor([c, r], out);
}

/** Which output feature of a checkpoint matrix holds head `h`, coordinate `k`. */
export type FeatureIndex = (h: number, k: number) => number;

/** Contiguous heads starting at feature `offset`: feature = offset + h * dHead + k. */
export const contiguousHeads =
  (dHead: number, offset = 0): FeatureIndex =>
  (h, k) =>
    offset + h * dHead + k;

/**
 * Gathers a per-head input projection [nHeads, dModel, dHead] from a checkpoint matrix.
 * `outMajor` says whether the matrix is [out, in] (nn.Linear) or [in, out] (Conv1D).
 */
export function gatherHeadsIn(w: Float32Tensor, nHeads: number, dHead: number, feature: FeatureIndex, outMajor: boolean, what: string): Float32Tensor {
  const [r, c] = dims2(w, what);
  const dModel = outMajor ? c : r;
  const nFeatures = outMajor ? r : c;
  const out = new Float32Array(nHeads * dModel * dHead);
  for (let h = 0; h < nHeads; h++) {
    for (let k = 0; k < dHead; k++) {
      const f = feature(h, k);
      if (f < 0 || f >= nFeatures) throw new Error(`${what}: feature ${f} out of range for shape [${w.shape.join(', ')}]`);
      for (let i = 0; i < dModel; i++) {
        out[(h * dModel + i) * dHead + k] = outMajor ? w.data[f * c + i] : w.data[i * c + f];
      }
    }
  }
  return tensor([nHeads, dModel, dHead], out);
}

/** The inverse of gatherHeadsIn: an out-major [nHeads*dHead, dModel] (nn.Linear) matrix with contiguous heads. */
export function headsInToLinear(w: Float32Tensor): Float32Tensor {
  const [H, d, dh] = w.shape;
  const out = new Float32Array(H * dh * d);
  for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let k = 0; k < dh; k++) out[(h * dh + k) * d + i] = w.data[(h * d + i) * dh + k];
  return tensor([H * dh, d], out);
}

/** Gathers a per-head bias [nHeads, dHead] from a bias vector. */
export function gatherHeadsBias(b: Float32Tensor, nHeads: number, dHead: number, feature: FeatureIndex, what: string): Float32Tensor {
  if (b.shape.length !== 1) throw new Error(`${what}: expected a bias vector, got shape [${b.shape.join(', ')}]`);
  const out = new Float32Array(nHeads * dHead);
  for (let h = 0; h < nHeads; h++)
    for (let k = 0; k < dHead; k++) {
      const f = feature(h, k);
      if (f < 0 || f >= b.shape[0]) throw new Error(`${what}: feature ${f} out of range for shape [${b.shape[0]}]`);
      out[h * dHead + k] = b.data[f];
    }
  return tensor([nHeads, dHead], out);
}

/**
 * The attention output projection [nHeads, dHead, dModel] from a checkpoint matrix whose input features are
 * the concatenated heads: out-major [dModel, nHeads*dHead] (nn.Linear) or in-major [nHeads*dHead, dModel] (Conv1D).
 */
export function outputProjection(w: Float32Tensor, nHeads: number, dHead: number, outMajor: boolean, what: string): Float32Tensor {
  const [r, c] = dims2(w, what);
  const inFeatures = outMajor ? c : r;
  if (inFeatures !== nHeads * dHead) throw new Error(`${what}: shape [${r}, ${c}] does not have ${nHeads * dHead} input features (nHeads x dHead)`);
  const m = outMajor ? transpose2d(w, what) : w;
  return tensor([nHeads, dHead, m.shape[1]], m.data.slice());
}

/** Checks a checkpoint tensor's shape, naming the file and tensor. */
export function expectShape(t: Float32Tensor | undefined, shape: readonly number[], name: string, source: string): Float32Tensor {
  if (!t) throw new Error(`${source}: missing tensor ${name} (expected shape [${shape.join(', ')}])`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${source}: tensor ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}] from the config`);
  }
  return t;
}
