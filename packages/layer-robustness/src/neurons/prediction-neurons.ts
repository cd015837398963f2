/**
 * Prediction and suppression neurons (Gurnee et al., used by Lad et al.): for each MLP neuron, the
 * cosine of its output weight vector w_out with every token's unembedding direction (a column of
 * W_U) gives a vocabulary-sized vector; its kurtosis and skew classify the neuron. A prediction neuron
 * has a heavy right tail (kurtosis > 10, skew > 0): it promotes a small set of tokens; a suppression
 * neuron a heavy left tail (kurtosis > 10, skew < 0).
 *
 * The paper computed these on TransformerLens models loaded with fold_ln, center_unembed and
 * center_writing_weights; `processing: 'transformer-lens'` (the default) applies the same
 * transformations with core's pure `processedWeights` (the model is not changed): the final norm's
 * scale is folded into W_U, W_U is centred over the vocabulary, and for LayerNorm models each w_out is
 * centred over the residual dimensions.
 */
import { matmul, processedWeights, tensor, type Float32Tensor, type HookedTransformer, type WeightMap } from '@marr/core';
import { relativeDepth } from '../metrics/depth.js';
import { moments } from '../metrics/moments.js';

export interface NeuronMoments {
  mean: Float64Array;
  variance: Float64Array;
  skew: Float64Array;
  kurtosis: Float64Array;
}

/** Scales each row of a [rows, cols] matrix to unit length (zero rows stay zero). */
function normalizeRows(m: Float32Tensor): Float32Tensor {
  const [rows, cols] = m.shape;
  const out = new Float32Array(m.data.length);
  for (let r = 0; r < rows; r++) {
    let ss = 0;
    for (let c = 0; c < cols; c++) ss += m.data[r * cols + c] ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let c = 0; c < cols; c++) out[r * cols + c] = m.data[r * cols + c] * inv;
  }
  return tensor(m.shape, out);
}

/** Scales each column of a [rows, cols] matrix to unit length (zero columns stay zero). */
function normalizeColumns(m: Float32Tensor): Float32Tensor {
  const [rows, cols] = m.shape;
  const ss = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) ss[c] += m.data[r * cols + c] ** 2;
  const out = new Float32Array(m.data.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) out[r * cols + c] = ss[c] > 0 ? m.data[r * cols + c] / Math.sqrt(ss[c]) : 0;
  return tensor(m.shape, out);
}

/**
 * Moments, per row of wOut [neurons, dModel], of the cosines with every column of wU [dModel, vocab].
 * Rows are processed in chunks of `chunk` neurons so the cosine matrix never exceeds chunk x vocab.
 */
export async function cosineMoments(wOut: Float32Tensor, wU: Float32Tensor, chunk = 256): Promise<NeuronMoments> {
  if (wOut.shape.length !== 2 || wU.shape.length !== 2 || wOut.shape[1] !== wU.shape[0]) {
    throw new RangeError(`cosineMoments: need wOut [neurons, d] and wU [d, vocab] with the same d, got [${wOut.shape}] and [${wU.shape}]`);
  }
  const [n, d] = wOut.shape;
  const V = wU.shape[1];
  const rowsN = normalizeRows(wOut);
  const colsN = normalizeColumns(wU);
  const out: NeuronMoments = { mean: new Float64Array(n), variance: new Float64Array(n), skew: new Float64Array(n), kurtosis: new Float64Array(n) };
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const cos = await matmul(tensor([e - s, d], rowsN.data.subarray(s * d, e * d)), colsN);
    for (let i = s; i < e; i++) {
      const m = moments(cos.data, (i - s) * V, V);
      out.mean[i] = m.mean;
      out.variance[i] = m.variance;
      out.skew[i] = m.skew;
      out.kurtosis[i] = m.kurtosis;
    }
  }
  return out;
}

export type NeuronProcessing = 'transformer-lens' | 'raw';

/**
 * The weights the neurons are read from: the model's own (`raw`), or, as the paper's TransformerLens
 * models were loaded, with the norms folded in (fold_ln), W_U centred over the vocabulary
 * (center_unembed) and, for LayerNorm models, the writing weights centred (center_writing_weights).
 * Core's `processedWeights` does this without touching the model.
 */
export function neuronWeights(model: HookedTransformer, processing: NeuronProcessing): WeightMap {
  if (processing === 'raw') return model.weights;
  return processedWeights(model, { foldLn: true, centerUnembed: true, centerWriting: model.config.normType === 'layernorm' });
}

function weight(weights: WeightMap, name: string): Float32Tensor {
  const t = weights.get(name);
  if (!t) throw new Error(`prediction neurons: the model has no weight ${name}`);
  return t;
}

/** W_U as the neurons' output is read: the final norm's scale folded in and centred over the vocabulary (TransformerLens), or raw. */
export function effectiveUnembed(model: HookedTransformer, processing: NeuronProcessing): Float32Tensor {
  return weight(neuronWeights(model, processing), 'unembed.W_U');
}

/** The output weights of block `layer`'s neurons [dMlp, dModel], centred per neuron for LayerNorm models under TransformerLens processing. */
export function effectiveWriteWeights(model: HookedTransformer, layer: number, processing: NeuronProcessing): Float32Tensor {
  return weight(neuronWeights(model, processing), `blocks.${layer}.mlp.W_out`);
}

export interface NeuronThresholds {
  /** Kurtosis above which a neuron is a prediction or suppression neuron (default 10). */
  kurtosis?: number;
  /** Skew above which a high-kurtosis neuron predicts and below whose negative it suppresses (default 0). */
  skew?: number;
}

export interface NeuronCounts {
  prediction: number;
  suppression: number;
  total: number;
}

export function countNeurons(m: NeuronMoments, thresholds: NeuronThresholds = {}): NeuronCounts {
  const k = thresholds.kurtosis ?? 10;
  const s = thresholds.skew ?? 0;
  let prediction = 0, suppression = 0;
  for (let i = 0; i < m.kurtosis.length; i++) {
    if (!(m.kurtosis[i] > k)) continue;
    if (m.skew[i] > s) prediction++;
    else if (m.skew[i] < -s) suppression++;
  }
  return { prediction, suppression, total: m.kurtosis.length };
}

export interface LayerNeuronCounts extends NeuronCounts {
  layer: number;
  relativeDepth: number;
  /** Fractions of the layer's neurons. */
  predictionFraction: number;
  suppressionFraction: number;
  /** Mean skew and kurtosis of the layer's neurons. */
  meanSkew: number;
  meanKurtosis: number;
  /** The largest kurtosis among the layer's neurons. */
  maxKurtosis: number;
}

export interface PredictionNeuronOptions extends NeuronThresholds {
  processing?: NeuronProcessing;
}

/** Moments of every neuron of every layer, and the counts per layer. */
export async function predictionNeurons(
  model: HookedTransformer,
  options: PredictionNeuronOptions = {},
): Promise<{ layers: LayerNeuronCounts[]; moments: NeuronMoments[] }> {
  const processing = options.processing ?? 'transformer-lens';
  const L = model.config.nLayers;
  const weights = neuronWeights(model, processing);
  const wU = weight(weights, 'unembed.W_U');
  const all: NeuronMoments[] = [];
  const layers: LayerNeuronCounts[] = [];
  for (let l = 0; l < L; l++) {
    const m = await cosineMoments(weight(weights, `blocks.${l}.mlp.W_out`), wU);
    all.push(m);
    const c = countNeurons(m, options);
    const mean = (a: Float64Array) => a.reduce((x, y) => x + y, 0) / a.length;
    layers.push({
      layer: l,
      relativeDepth: relativeDepth(l, L),
      ...c,
      predictionFraction: c.prediction / c.total,
      suppressionFraction: c.suppression / c.total,
      meanSkew: mean(m.skew),
      meanKurtosis: mean(m.kurtosis),
      maxKurtosis: m.kurtosis.reduce((a, b) => Math.max(a, b), -Infinity),
    });
  }
  return { layers, moments: all };
}
