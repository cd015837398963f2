import { createHookedTransformer, MarrUsageError, randomWeights, runAnalysis } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin, { excludedTokens, weightStatistics, WEIGHT_STATS, vectorMoments } from '../src/index.js';
import { corpusFile, organism } from './helpers.js';

const analysis = plugin.analyses[0];
const data = corpusFile(40, 9);

describe('universal-neurons inputs', () => {
  it('gives one clear message for each bad input', async () => {
    const a = await organism(0);
    const b = await organism(1);
    const run = (models: typeof a[], params: Record<string, unknown> = {}) =>
      runAnalysis({ plugin, analysis, models, dataPath: data, params: { maxTokens: 512, ...params } });
    await expect(run([a])).rejects.toThrow(/at least 2 models|needs 2/);
    const cfg = { ...a.config, dMlp: 128 };
    const narrow = createHookedTransformer({ config: cfg, weights: randomWeights(cfg, 1), tokenizer: a.tokenizer, source: { spec: 'narrow', format: 'memory', files: [] } });
    await expect(run([a, narrow])).rejects.toThrow(/model 2 \(narrow\) has 2 layers x 128 MLP neurons.*seeds of the same architecture/);
    await expect(run([a, b], { layers: [5] })).rejects.toThrow(/layers 0 to 1, not 5/);
    await expect(run([a, b], { maxStateMB: 1 })).rejects.toThrow(/need \d+ MB, more than maxStateMB=1.*--param layers=0/);
    await expect(run([a, b], { maxStateMB: 1 })).rejects.toBeInstanceOf(MarrUsageError);
  });

  it('drops BOS and EOS positions, and layers= restricts the rows', async () => {
    const a = await organism(0);
    const ex = excludedTokens(a.tokenizer);
    expect(ex.has(a.tokenizer!.bosTokenId!)).toBe(true);
    expect(ex.has(a.tokenizer!.eosTokenId!)).toBe(true);
    const env = await runAnalysis({ plugin, analysis, models: [a, await organism(1)], dataPath: data, params: { maxTokens: 512, layers: [1], tokenFeatures: false } });
    const r = env.results as { neurons: { layer: number; explanation: unknown }[]; layers: unknown[] };
    expect(new Set(r.neurons.map((v) => v.layer))).toEqual(new Set([1]));
    expect(r.layers).toHaveLength(1);
    expect(r.neurons[0].explanation).toBeNull();
  });
});

describe('weight statistics', () => {
  it('match a direct computation for sampled neurons', async () => {
    const m = await organism(3);
    const stats = await weightStatistics(m, [0, 1]);
    const { dModel: d, dMlp: f, dVocab: V } = m.config;
    const wu = m.weights.get('unembed.W_U')!.data;
    for (const [layer, j] of [[0, 0], [0, 77], [1, 255]]) {
      const win = Array.from({ length: d }, (_, r) => m.weights.get(`blocks.${layer}.mlp.W_in`)!.data[r * f + j]);
      const wout = Array.from({ length: d }, (_, r) => m.weights.get(`blocks.${layer}.mlp.W_out`)!.data[j * d + r]);
      const norm = (v: number[]) => Math.hypot(...v);
      const cos = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0) / (norm(u) * norm(v));
      const vocab = Array.from({ length: V }, (_, t) => cos(wout, Array.from({ length: d }, (_, r) => wu[r * V + t])));
      const mom = vectorMoments(vocab);
      const row = stats.subarray((layer * f + j) * WEIGHT_STATS.length, (layer * f + j + 1) * WEIGHT_STATS.length);
      const expected = [norm(win), 0, norm(wout), cos(win, wout), mom.mean, mom.variance, mom.skew, mom.kurtosis];
      expected.forEach((e, k) => expect(row[k]).toBeCloseTo(e, 4));
    }
  });
});
