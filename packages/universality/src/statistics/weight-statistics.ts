/**
 * Per-neuron weight statistics (authors' weights.py compute_neuron_statistics and
 * analysis/weights.py neuron_vocab_cosine_moments): ||w_in||, the input bias, ||w_out||, cos(w_in, w_out),
 * and the moments over the vocabulary of cos(w_out, W_U[:, v]). w_in is the neuron's column of W_in (the
 * "up" projection of a gated MLP, TransformerLens's convention); models without MLP biases have input bias 0.
 * The w_out x W_U products run on core's matmul, a block of neurons at a time.
 */
import { matmul, tensor, type HookedTransformer } from '@marr/core';
import { vectorMoments } from './moments.js';

/** The columns of the weight-statistics constant, in order. */
export const WEIGHT_STATS = ['wInNorm', 'inputBias', 'wOutNorm', 'inOutCos', 'vocabMean', 'vocabVar', 'vocabSkew', 'vocabKurtosis'] as const;
export type WeightStat = (typeof WEIGHT_STATS)[number];

const BLOCK = 256;

/** Row-major [layers.length * dMlp, WEIGHT_STATS.length], float64. */
export async function weightStatistics(model: HookedTransformer, layers: readonly number[]): Promise<Float64Array> {
  const { dModel: d, dMlp: f, dVocab: V } = model.config;
  const k = WEIGHT_STATS.length;
  const out = new Float64Array(layers.length * f * k);
  const wu = model.weights.get('unembed.W_U')!.data; // [d, V]
  const colNorm = new Float64Array(V);
  for (let r = 0; r < d; r++) for (let v = 0; v < V; v++) colNorm[v] += wu[r * V + v] ** 2;
  const unitWu = new Float32Array(d * V);
  for (let v = 0; v < V; v++) colNorm[v] = Math.sqrt(colNorm[v]) || 1;
  for (let r = 0; r < d; r++) for (let v = 0; v < V; v++) unitWu[r * V + v] = wu[r * V + v] / colNorm[v];
  const unembed = tensor([d, V], unitWu);
  const direct = new Float64Array(V);
  for (const [li, layer] of layers.entries()) {
    const win = model.weights.get(`blocks.${layer}.mlp.W_in`)!.data; // [d, f]
    const wout = model.weights.get(`blocks.${layer}.mlp.W_out`)!.data; // [f, d]
    const bin = model.weights.get(`blocks.${layer}.mlp.b_in`)?.data ?? null;
    for (let j0 = 0; j0 < f; j0 += BLOCK) {
      const rows = Math.min(BLOCK, f - j0);
      const prod = (await matmul(tensor([rows, d], wout.slice(j0 * d, (j0 + rows) * d)), unembed)).data; // [rows, V]
      for (let jj = 0; jj < rows; jj++) {
        const j = j0 + jj;
        let nIn = 0, nOut = 0, dot = 0;
        for (let r = 0; r < d; r++) {
          const a = win[r * f + j];
          const b = wout[j * d + r];
          nIn += a * a;
          nOut += b * b;
          dot += a * b;
        }
        nIn = Math.sqrt(nIn);
        nOut = Math.sqrt(nOut);
        for (let v = 0; v < V; v++) direct[v] = prod[jj * V + v] / (nOut || 1);
        const m = vectorMoments(direct);
        out.set([nIn, bin ? bin[j] : 0, nOut, nIn > 0 && nOut > 0 ? dot / (nIn * nOut) : 0, m.mean, m.variance, m.skew, m.kurtosis], (li * f + j) * k);
      }
    }
  }
  return out;
}
