import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { createRng, denseMatrix, loadModel, randomModel, svd, tensor, type Architecture, type HookedTransformer } from '@marr/core';
export { silentProgress as silent, testIo as io } from '@marr/core/testing';

let shipped: Promise<HookedTransformer> | null = null;
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}

/** Seeded random token windows of length T (token 0 avoided so no BOS-like id appears). */
export function randomWindows(V: number, count: number, T: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Array.from({ length: T }, () => 1 + rng.int(V - 1)));
}

export interface PlantedModel {
  model: HookedTransformer;
  /** The neuron whose w_out lies in the planted null space. */
  entropyNeuron: number;
  /** The neuron whose w_out is one token's unembedding direction. */
  directNeuron: number;
  k: number;
}

/**
 * A random model with a planted null space and two planted last-layer neurons: the effective unembedding's
 * k smallest singular values are shrunk to 1% (a dark subspace, as GPT-2's), neuron `entropyNeuron` gets a
 * large w_out inside that subspace and neuron `directNeuron` a large w_out along one token's W_U column.
 * The final norm's weight is set to ones so the effective unembedding is W_U centred over the vocabulary.
 */
export function plantedModel(architecture: Architecture, seed = 1): PlantedModel {
  const d = 32, V = 160, k = 2;
  const model = randomModel(
    { architecture, nLayers: 2, dModel: d, nHeads: 4, nKvHeads: architecture === 'llama' ? 2 : 4, dHead: 8, dMlp: 64, dVocab: V, nCtx: 64, tiedEmbeddings: false, unembedBias: false },
    { seed, std: 0.2 },
  );
  const rng = createRng(seed + 100);
  model.setWeight('ln_final.w', tensor([d], new Float32Array(d).fill(1)));
  if (model.weights.has('ln_final.b')) model.setWeight('ln_final.b', tensor([d]));
  // Centre W_U over the vocabulary, and over d_model for LayerNorm (what the effective unembedding does).
  const WU = Float64Array.from(model.getWeight('unembed.W_U').data);
  for (let i = 0; i < d; i++) {
    let m = 0;
    for (let j = 0; j < V; j++) m += WU[i * V + j];
    for (let j = 0; j < V; j++) WU[i * V + j] -= m / V;
  }
  if (architecture !== 'llama') {
    for (let j = 0; j < V; j++) {
      let m = 0;
      for (let i = 0; i < d; i++) m += WU[i * V + j];
      for (let i = 0; i < d; i++) WU[i * V + j] -= m / d;
    }
  }
  const dec = svd(denseMatrix(d, V, WU));
  const r = dec.s.length;
  // LayerNorm: the last singular direction is the all-ones one (zero already); shrink the k before it.
  const last = architecture === 'llama' ? r : r - 1;
  const s = Array.from(dec.s);
  for (let i = last - k; i < last; i++) s[i] = 0.01 * s[i];
  const out = new Float32Array(d * V);
  for (let i = 0; i < d; i++)
    for (let j = 0; j < V; j++) {
      let x = 0;
      for (let c = 0; c < r; c++) x += dec.u.data[i * r + c] * s[c] * dec.v.data[j * r + c];
      out[i * V + j] = x;
    }
  model.setWeight('unembed.W_U', tensor([d, V], out));
  const L = model.config.nLayers - 1;
  const Wout = model.getWeight(`blocks.${L}.mlp.W_out`).data.slice();
  let avg = 0;
  for (let n = 0; n < 64; n++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += Wout[n * d + i] ** 2;
    avg += Math.sqrt(ss) / 64;
  }
  const entropyNeuron = 5, directNeuron = 9;
  // Entropy neuron: a unit combination of the shrunk directions, 8x the average norm.
  const c1 = rng.normal(), c2 = rng.normal(), cn = Math.hypot(c1, c2);
  for (let i = 0; i < d; i++) Wout[entropyNeuron * d + i] = (8 * avg * (c1 * dec.u.data[i * r + last - 2] + c2 * dec.u.data[i * r + last - 1])) / cn;
  // Direct neuron: along token 7's unembedding column, same norm.
  let cc = 0;
  for (let i = 0; i < d; i++) cc += out[i * V + 7] ** 2;
  for (let i = 0; i < d; i++) Wout[directNeuron * d + i] = (8 * avg * out[i * V + 7]) / Math.sqrt(cc);
  model.setWeight(`blocks.${L}.mlp.W_out`, tensor([64, d], Wout));
  return { model, entropyNeuron, directNeuron, k };
}

/** log-softmax of one row of logits in float64. */
export function logSoftmaxRow(logits: Float32Array, offset: number, V: number): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < V; i++) m = Math.max(m, logits[offset + i]);
  let s = 0;
  for (let i = 0; i < V; i++) s += Math.exp(logits[offset + i] - m);
  const lse = m + Math.log(s);
  return Float64Array.from({ length: V }, (_, i) => logits[offset + i] - lse);
}

export function entropyOf(logp: Float64Array): number {
  let h = 0;
  for (const x of logp) h -= Math.exp(x) * x;
  return h;
}

export function argmaxOf(x: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
  return best;
}
