/**
 * One single-neuron logistic regression per MLP neuron, German (1) against English (0), as the authors'
 * generate_checkpoint_probe_data.py does: the neuron's activations at positions positionStart..positionEnd
 * of each window (their 10:400), at most `maxRows` rows per language, standardised over both languages
 * together (sklearn StandardScaler), a seeded random split with `testFraction` held out (their
 * train_test_split(test_size=0.2)), an L2 logistic regression with C = 1 (sklearn's default; core's
 * logisticRegression with l2 = 1/C), and F1 and MCC of its hard predictions on the held-out rows.
 */
import { collectActivations, createRng, logisticRegression, throwIfCancelled, type HookedTransformer, type Progress } from '@marr/core';
import { binaryScores } from './binary-scores.js';

export interface NeuronProbe {
  layer: number;
  neuron: number;
  f1: number;
  mcc: number;
  /** Mean activation over the German rows. */
  meanGerman: number;
  /** Mean activation over the English rows: the value the ablation sets the neuron to. */
  meanEnglish: number;
}

export interface ProbeRowsOptions {
  positionStart: number;
  /** Exclusive, as Python's slice end. */
  positionEnd: number;
  maxRows: number;
}

/** What one probe row is: one token's activation (the authors'), or a window's mean over the probed positions. */
export type ProbeRows = 'token' | 'window';

export interface NeuronProbeOptions extends ProbeRowsOptions {
  testFraction: number;
  /** Inverse L2 strength (sklearn's C). */
  C: number;
  seed: number;
  /** Default 'token'. */
  rows?: ProbeRows;
  /** Activation memory budget (default PROBE_MEMORY_BYTES). */
  memoryBytes?: number;
  batchSize: number;
  /** Layers to probe (default: all). */
  layers?: readonly number[];
  signal?: AbortSignal;
  progress?: Progress;
}

/** The (window, position) pairs whose activations are probed, in reading order, at most maxRows. */
export function probePositions(windows: readonly (readonly number[])[], options: ProbeRowsOptions): [number, number][] {
  const out: [number, number][] = [];
  for (let w = 0; w < windows.length && out.length < options.maxRows; w++) {
    const end = Math.min(options.positionEnd, windows[w].length);
    for (let p = options.positionStart; p < end && out.length < options.maxRows; p++) out.push([w, p]);
  }
  return out;
}

/** The seeded train/test split of n rows: a shuffled order, the first round(n * testFraction) held out. */
export function splitRows(n: number, testFraction: number, seed: number): { train: number[]; test: number[] } {
  const order = createRng(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const nTest = Math.max(1, Math.min(n - 1, Math.ceil(n * testFraction)));
  return { test: order.slice(0, nTest).sort((a, b) => a - b), train: order.slice(nTest).sort((a, b) => a - b) };
}

/** The fit on one neuron's column: x (German rows first, then English), labels 1/0. */
export function probeOneNeuron(x: Float64Array, labels: Uint8Array, split: { train: number[]; test: number[] }, C: number): { f1: number; mcc: number } {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (x[i] - mean) ** 2;
  const std = Math.sqrt(variance / n);
  const scale = std > 0 ? 1 / std : 1; // StandardScaler leaves a constant column at zero
  const train = new Float64Array(split.train.length);
  const trainLabels = new Uint8Array(split.train.length);
  split.train.forEach((r, i) => {
    train[i] = (x[r] - mean) * scale;
    trainLabels[i] = labels[r];
  });
  const fit = logisticRegression({ rows: train.length, cols: 1, data: train }, trainLabels, { l2: 1 / C });
  const predicted = new Uint8Array(split.test.length);
  const testLabels = new Uint8Array(split.test.length);
  split.test.forEach((r, i) => {
    predicted[i] = fit.intercept + fit.coefficients[0] * (x[r] - mean) * scale > 0 ? 1 : 0;
    testLabels[i] = labels[r];
  });
  return binaryScores(testLabels, predicted);
}

/** Neuron activations at the probe positions, one float64 matrix [rows, dMlp] per layer. */
export async function neuronActivations(
  model: HookedTransformer,
  windows: readonly (readonly number[])[],
  positions: readonly (readonly [number, number])[],
  layers: readonly number[],
  options: { batchSize: number; signal?: AbortSignal; progress?: Progress; label: string },
): Promise<Float64Array[]> {
  const mats = await collectActivations(model, windows, layers.map((l) => `blocks.${l}.mlp.hook_post`), {
    positions, batchSize: options.batchSize, signal: options.signal, progress: options.progress, label: options.label,
  });
  return mats.map((m) => m.data);
}

/**
 * Activation rows held at once stay under this (both languages, float64): layers are probed in groups
 * small enough for it (GPT-2 small: 10,000 rows x 3072 neurons x 8 bytes x 2 = 492 MB per layer, one
 * layer per pass; the shipped models: every layer in one pass).
 */
export const PROBE_MEMORY_BYTES = 512 * 2 ** 20;

/** Every neuron of every probed layer: F1, MCC and the two language means. */
export async function probeNeurons(
  model: HookedTransformer,
  german: readonly (readonly number[])[],
  english: readonly (readonly number[])[],
  options: NeuronProbeOptions,
): Promise<NeuronProbe[]> {
  const layers = options.layers ?? Array.from({ length: model.config.nLayers }, (_, l) => l);
  const dePositions = probePositions(german, options);
  const enPositions = probePositions(english, options);
  const dMlp = model.config.dMlp;
  const perLayer = (dePositions.length + enPositions.length) * dMlp * 8;
  const groupSize = Math.max(1, Math.floor((options.memoryBytes ?? PROBE_MEMORY_BYTES) / perLayer));
  const out: NeuronProbe[] = [];
  for (let g = 0; g < layers.length; g += groupSize) {
    out.push(...(await probeLayerGroup(model, german, english, dePositions, enPositions, layers.slice(g, g + groupSize), options)));
  }
  return out;
}

async function probeLayerGroup(
  model: HookedTransformer,
  german: readonly (readonly number[])[],
  english: readonly (readonly number[])[],
  dePositions: readonly [number, number][],
  enPositions: readonly [number, number][],
  layers: readonly number[],
  options: NeuronProbeOptions,
): Promise<NeuronProbe[]> {
  const io = { batchSize: options.batchSize, signal: options.signal, progress: options.progress };
  const de = await neuronActivations(model, german, dePositions, layers, { ...io, label: 'German activations' });
  const en = await neuronActivations(model, english, enPositions, layers, { ...io, label: 'English activations' });
  const dMlp = model.config.dMlp;
  // Means over both token rows are the language means either way (windows have equal length).
  const meansDe = columnMeans(de, dePositions.length, dMlp), meansEn = columnMeans(en, enPositions.length, dMlp);
  const deRows = options.rows === 'window' ? de.map((m) => windowMeans(m, dePositions, dMlp)) : de;
  const enRows = options.rows === 'window' ? en.map((m) => windowMeans(m, enPositions, dMlp)) : en;
  const nDe = deRows[0].length / dMlp, nEn = enRows[0].length / dMlp, n = nDe + nEn;
  if (nDe < 2 || nEn < 2) throw new Error(`neuron probes: ${nDe} German and ${nEn} English rows; give more text (at least 2 of each)`);
  const labels = new Uint8Array(n);
  labels.fill(1, 0, nDe);
  const split = splitRows(n, options.testFraction, options.seed);
  const out: NeuronProbe[] = [];
  const x = new Float64Array(n);
  options.progress?.start(`neuron probes (layer${layers.length > 1 ? 's' : ''} ${layers.join(', ')})`, layers.length * dMlp);
  try {
    layers.forEach((layer, li) => {
      for (let j = 0; j < dMlp; j++) {
        if (j % 64 === 0) throwIfCancelled(options.signal);
        for (let r = 0; r < nDe; r++) x[r] = deRows[li][r * dMlp + j];
        for (let r = 0; r < nEn; r++) x[nDe + r] = enRows[li][r * dMlp + j];
        const { f1, mcc } = probeOneNeuron(x, labels, split, options.C);
        out.push({ layer, neuron: j, f1, mcc, meanGerman: meansDe[li][j], meanEnglish: meansEn[li][j] });
        options.progress?.tick();
      }
    });
  } finally {
    options.progress?.done();
  }
  return out;
}

function columnMeans(mats: readonly Float64Array[], rows: number, width: number): Float64Array[] {
  return mats.map((m) => {
    const out = new Float64Array(width);
    for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) out[j] += m[r * width + j];
    for (let j = 0; j < width; j++) out[j] /= rows;
    return out;
  });
}

/** One row per window: the mean of its token rows (positions come window by window, in order). */
export function windowMeans(m: Float64Array, positions: readonly (readonly [number, number])[], width: number): Float64Array {
  const windows = [...new Set(positions.map(([w]) => w))];
  const index = new Map(windows.map((w, i) => [w, i]));
  const out = new Float64Array(windows.length * width);
  const counts = new Float64Array(windows.length);
  positions.forEach(([w], r) => {
    const i = index.get(w)!;
    counts[i]++;
    for (let j = 0; j < width; j++) out[i * width + j] += m[r * width + j];
  });
  for (let i = 0; i < windows.length; i++) for (let j = 0; j < width; j++) out[i * width + j] /= counts[i];
  return out;
}

/** The authors' candidates: F1 above the threshold and a higher mean on German. */
export function isCandidate(p: NeuronProbe, minF1: number): boolean {
  return p.f1 > minF1 && p.meanGerman > p.meanEnglish;
}

/**
 * Best first: MCC, then F1, then the German-English mean difference, then the lower layer and index. MCC
 * leads because a probe that calls every row German reaches F1 2/3 on balanced rows with MCC 0.
 */
export function rankProbes(probes: readonly NeuronProbe[]): NeuronProbe[] {
  return [...probes].sort(
    (a, b) => b.mcc - a.mcc || b.f1 - a.f1 || b.meanGerman - b.meanEnglish - (a.meanGerman - a.meanEnglish) || a.layer - b.layer || a.neuron - b.neuron,
  );
}

/** The mean English activation of one neuron over the probe rows (what the ablation writes). */
export async function meanEnglishActivation(
  model: HookedTransformer,
  english: readonly (readonly number[])[],
  layer: number,
  neuron: number,
  options: ProbeRowsOptions & { batchSize: number; signal?: AbortSignal; progress?: Progress },
): Promise<number> {
  const positions = probePositions(english, options);
  const [acts] = await neuronActivations(model, english, positions, [layer], { ...options, label: 'English activations' });
  const dMlp = model.config.dMlp;
  let sum = 0;
  for (let r = 0; r < positions.length; r++) sum += acts[r * dMlp + neuron];
  return sum / positions.length;
}
