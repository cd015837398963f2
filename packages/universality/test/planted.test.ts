import { createHookedTransformer, randomWeights, runAnalysis } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin, { excludedTokens, type UniversalNeuronsResults } from '../src/index.js';
import { corpusFile, organism, plantedCopy } from './helpers.js';

const analysis = plugin.analyses[0];
const data = corpusFile(120);

/** Every kept position's MLP activations, one window at a time (a hand-written re-run, not the plugin's batches). */
async function activationsByHand(model: Awaited<ReturnType<typeof organism>>, windows: number[][], excluded: Set<number>): Promise<Float64Array[]> {
  const { nLayers: L, dMlp: d } = model.config;
  const cols: number[][] = Array.from({ length: L * d }, () => []);
  for (const w of windows) {
    const { cache } = await model.runWithCache([w], { cache: (name) => name.endsWith('mlp.hook_post') });
    for (let l = 0; l < L; l++) {
      const act = cache.get(`blocks.${l}.mlp.hook_post`);
      w.forEach((tok, p) => {
        if (excluded.has(tok)) return;
        for (let j = 0; j < d; j++) cols[l * d + j].push(act.get(0, p, j));
      });
    }
  }
  return cols.map((c) => Float64Array.from(c));
}

/** Two-pass Pearson correlation of every column of a with every column of b, max per column of a. */
function naiveMax(a: Float64Array[], b: Float64Array[]): { corr: number[]; index: number[] } {
  const centre = (c: Float64Array) => {
    const m = c.reduce((s, v) => s + v, 0) / c.length;
    const z = c.map((v) => v - m);
    const norm = Math.sqrt(z.reduce((s, v) => s + v * v, 0));
    return norm > 0 ? z.map((v) => v / norm) : null;
  };
  const za = a.map(centre), zb = b.map(centre);
  const corr: number[] = [], index: number[] = [];
  for (const x of za) {
    let best = -Infinity, at = 0;
    zb.forEach((y, j) => {
      let r = 0;
      if (x && y) for (let t = 0; t < x.length; t++) r += x[t] * y[t];
      if (r > best) { best = r; at = j; }
    });
    corr.push(best);
    index.push(at);
  }
  return { corr, index };
}

describe('universal-neurons on a planted permuted, rescaled copy', () => {
  it('finds every neuron\'s partner with correlation ~1; over 94% universal against the copy, the baseline low; matches a naive two-pass reference', async () => {
    const base = await organism(0);
    const other = await organism(1);
    const planted = plantedCopy(base);
    const params = { maxTokens: 2048, contextLength: 64, batchSize: 8 };
    const env = await runAnalysis({ plugin, analysis, models: [base, planted.model, other], dataPath: data, params, seed: 3 });
    const r = env.results as unknown as UniversalNeuronsResults;
    const d = base.config.dMlp;
    expect(r.models).toBe(3);
    expect(r.neurons).toHaveLength(base.config.nLayers * d);
    const live = r.neurons.filter((v) => v.stats.actVar > 1e-10);
    expect(live.length).toBeGreaterThan(0.95 * r.neurons.length);
    for (const v of live) {
      const p = v.partners[0];
      expect({ layer: p.layer, neuron: p.neuron }).toEqual({ layer: v.layer, neuron: planted.perm[v.layer][v.neuron] });
      expect(p.corr).toBeGreaterThan(0.9999);
    }
    // Against the copy alone, excess = max corr (~1) - baseline. The baseline mixes all of the copy's
    // neurons of a layer with random unit-norm weights, so it stays low except for the few neurons that
    // a high-variance neuron of the mixture resembles: on the organism over 94% of neurons are universal.
    const env2 = await runAnalysis({ plugin, analysis, models: [base, planted.model], dataPath: data, params, seed: 3 });
    const r2 = env2.results as unknown as UniversalNeuronsResults;
    const live2 = r2.neurons.filter((u) => u.stats.actVar > 1e-10);
    for (const v of live2) expect(v.maxCorr).toBeGreaterThan(0.9999);
    expect(live2.filter((v) => v.excess > 0.5 && v.universal).length).toBeGreaterThan(0.94 * live2.length);
    const baseline = r2.neurons.map((v) => v.baselineMaxCorr);
    expect(baseline.reduce((a, b) => a + b, 0) / baseline.length).toBeLessThan(0.35);

    // The independent seed: streaming max correlations equal a naive two-pass computation on activations
    // collected window by window.
    const windows = (await import('@marr/core')).loadDataset;
    const dataset = await windows(data, 'text');
    if (dataset.kind !== 'text') throw new Error('text expected');
    const ws = dataset.tokenWindows(base.tokenizer!, { contextLength: 64, maxTokens: 2048 });
    const excluded = excludedTokens(base.tokenizer);
    const a = await activationsByHand(base, ws, excluded);
    const b = await activationsByHand(other, ws, excluded);
    expect(a[0].length).toBe(r.tokens);
    const ref = naiveMax(a, b);
    let agree = 0;
    r.neurons.forEach((v, i) => {
      expect(Math.abs(v.partners[1].corr - ref.corr[i])).toBeLessThan(2e-4);
      if (v.partners[1].layer * d + v.partners[1].neuron === ref.index[i]) agree++;
    });
    expect(agree).toBeGreaterThan(0.98 * r.neurons.length); // ties within float32 rounding may swap
  });

  it('on a random-weight model (neurons of similar variance) every neuron\'s partner is found, at least 99% are universal and the baseline stays below 0.55', async () => {
    const base = await organism(0);
    const random = createHookedTransformer({ config: base.config, weights: randomWeights(base.config, 5, 0.1), tokenizer: base.tokenizer, source: { spec: 'random', format: 'memory', files: [] } });
    const planted = plantedCopy(random, 12);
    const env = await runAnalysis({ plugin, analysis, models: [random, planted.model], dataPath: data, params: { maxTokens: 4096, contextLength: 64, batchSize: 16 }, seed: 1 });
    const r = env.results as unknown as UniversalNeuronsResults;
    for (const v of r.neurons) {
      expect(v.partner).toEqual({ layer: v.layer, neuron: planted.perm[v.layer][v.neuron] });
      expect(v.maxCorr).toBeGreaterThan(0.9999);
      expect(v.baselineMaxCorr).toBeLessThan(0.55);
    }
    expect(r.universal).toBeGreaterThanOrEqual(0.99 * r.neurons.length);
  });
});
