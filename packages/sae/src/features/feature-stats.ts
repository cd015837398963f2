/**
 * Per-latent statistics over token windows: firing frequency, mean activation when firing, maximum
 * activation, and the top activating (window, position) pairs, kept in a bounded min-heap per latent.
 */
import { batches, type HookedTransformer, type Progress } from '@marr/core';
import type { Sae } from '../sae.js';

export interface TopActivation {
  activation: number;
  window: number;
  position: number;
}

export interface FeatureStats {
  tokens: number;
  frequency: Float64Array;
  meanActivation: Float64Array;
  maxActivation: Float64Array;
  /** Per latent, the strongest activations first. */
  top: TopActivation[][];
}

export interface FeatureStatsOptions {
  batchWindows: number;
  topContexts: number;
  excludeBos?: boolean;
  signal?: AbortSignal;
  progress?: Progress;
}

/** Pushes into a min-heap of at most `cap` entries ordered by activation (ties: earlier window/position kept). */
function pushTop(heap: TopActivation[], item: TopActivation, cap: number): void {
  const less = (a: TopActivation, b: TopActivation) => a.activation < b.activation || (a.activation === b.activation && (a.window > b.window || (a.window === b.window && a.position > b.position)));
  if (heap.length < cap) {
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      [heap[i], heap[p]] = [heap[p], heap[i]];
      i = p;
    }
    return;
  }
  if (!less(heap[0], item)) return;
  heap[0] = item;
  for (let i = 0; ;) {
    const l = 2 * i + 1, r = l + 1;
    let m = i;
    if (l < heap.length && less(heap[l], heap[m])) m = l;
    if (r < heap.length && less(heap[r], heap[m])) m = r;
    if (m === i) break;
    [heap[i], heap[m]] = [heap[m], heap[i]];
    i = m;
  }
}

export async function featureStats(model: HookedTransformer, sae: Sae, windows: readonly number[][], options: FeatureStatsOptions): Promise<FeatureStats> {
  const hook = sae.cfg.hookName!;
  const { dIn, dSae } = sae.cfg;
  const bos = model.tokenizer?.bosTokenId ?? null;
  const excludeBos = options.excludeBos ?? true;
  const count = new Float64Array(dSae), sum = new Float64Array(dSae), max = new Float64Array(dSae);
  const top: TopActivation[][] = Array.from({ length: dSae }, () => []);
  let n = 0;
  for await (const { items: batch, start: s } of batches(windows, { size: options.batchWindows, signal: options.signal, progress: options.progress, label: 'sae-features' })) {
    const T = batch[0].length;
    const run = await model.run(batch, { cache: [hook], returnLogits: false });
    const x = run.cache.get(hook);
    const rows = x.data.length / dIn;
    const z = await sae.encode({ dtype: 'float32', shape: [rows, dIn], data: x.data });
    for (let r = 0; r < rows; r++) {
      const w = s + Math.floor(r / T), pos = r % T;
      if (excludeBos && bos !== null && pos === 0 && windows[w][0] === bos) continue;
      n++;
      for (let j = 0; j < dSae; j++) {
        const a = z.data[r * dSae + j];
        if (!(a > 0)) continue;
        count[j]++;
        sum[j] += a;
        if (a > max[j]) max[j] = a;
        pushTop(top[j], { activation: a, window: w, position: pos }, options.topContexts);
      }
    }
  }
  const byStrength = (a: TopActivation, b: TopActivation) => b.activation - a.activation || a.window - b.window || a.position - b.position;
  return {
    tokens: n,
    frequency: count.map((c) => c / Math.max(1, n)),
    meanActivation: count.map((c, j) => (c > 0 ? sum[j] / c : 0)),
    maxActivation: max,
    top: top.map((h) => h.sort(byStrength)),
  };
}

/**
 * The direct effect of each latent's decoder row on the logits, W_dec[i] · W_U (the unembedding without
 * its bias and without the final norm, as Neuronpedia shows it), for the given latents: the `count`
 * most positive and most negative token ids with their values.
 */
export async function logitEffects(model: HookedTransformer, sae: Sae, latents: readonly number[], count: number): Promise<{ positive: [number, number][]; negative: [number, number][] }[]> {
  const { dIn } = sae.cfg;
  if (latents.length === 0) return [];
  const rows = new Float32Array(latents.length * dIn);
  latents.forEach((l, i) => rows.set(sae.weights.W_dec.data.subarray(l * dIn, (l + 1) * dIn), i * dIn));
  const logits = await model.unembed({ dtype: 'float32', shape: [latents.length, dIn], data: rows });
  const bias = await model.unembed({ dtype: 'float32', shape: [1, dIn], data: new Float32Array(dIn) });
  const V = logits.shape[logits.shape.length - 1];
  return latents.map((_, i) => {
    const vals = Array.from({ length: V }, (_, v) => [v, logits.data[i * V + v] - bias.data[v]] as [number, number]);
    vals.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { positive: vals.slice(0, count), negative: vals.slice(-count).reverse() };
  });
}
