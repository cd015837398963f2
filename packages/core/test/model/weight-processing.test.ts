import { describe, expect, it } from 'vitest';
import { logSoftmax, processedWeights, processWeights, randomModel, type Architecture } from '../../src/index.js';

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe.each([
  ['gpt2', { foldLayerNorm: true, centerWritingWeights: true, centerUnembed: true }, { unembedBias: true }],
  ['gpt-neox', { foldLayerNorm: true, centerWritingWeights: true, centerUnembed: true }, { unembedBias: true }],
  ['llama', { foldLayerNorm: true, centerUnembed: true }, {}],
] as [Architecture, object, object][])('processWeights (%s)', (architecture, options, extra) => {
  it('leaves next-token log-probabilities unchanged', async () => {
    const cfg = { architecture, nLayers: 2, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 30, nCtx: 32, ...extra };
    const model = randomModel(cfg, { seed: 9, std: 0.2 });
    const tokens = [4, 8, 15, 16, 23, 29];
    const before = logSoftmax((await model.run(tokens)).logits!);
    processWeights(model, options);
    const after = logSoftmax((await model.run(tokens)).logits!);
    expect(maxAbs(after.data, before.data)).toBeLessThan(1e-4);
    expect(Array.from(model.getWeight('blocks.0.ln1.w').data).every((v) => v === 1)).toBe(true);
  });
});

it('centerWritingWeights refuses RMSNorm models', () => {
  const model = randomModel({ architecture: 'llama' }, { seed: 1 });
  expect(() => processWeights(model, { centerWritingWeights: true })).toThrow(/needs LayerNorm/);
});

describe('processedWeights (pure)', () => {
  const cfg = { architecture: 'gpt2' as Architecture, nLayers: 2, dModel: 16, nHeads: 2, dMlp: 24, dVocab: 20, nCtx: 16 };

  it('returns what processWeights would set, and leaves the model and its tensors untouched', () => {
    const model = randomModel({ ...cfg, unembedBias: true }, { seed: 4, std: 0.2 });
    const snapshot = new Map([...model.weights].map(([n, t]) => [n, Float32Array.from(t.data)]));
    const processed = processedWeights(model, { foldLn: true, centerWriting: true, centerUnembed: true });
    for (const [n, data] of snapshot) expect(model.getWeight(n).data, n).toEqual(data);
    const twin = randomModel({ ...cfg, unembedBias: true }, { seed: 4, std: 0.2 });
    processWeights(twin, { foldLayerNorm: true, centerWritingWeights: true, centerUnembed: true });
    expect([...processed.keys()].sort()).toEqual([...twin.weights.keys()].sort());
    for (const [n, t] of twin.weights) expect(processed.get(n)!.data, n).toEqual(t.data);
  });

  it('folds the final norm scale into W_U and centres it over the vocabulary (checked by hand), adding a zero b_U when missing', () => {
    const model = randomModel(cfg, { seed: 5, std: 0.2 });
    expect(model.weights.has('unembed.b_U')).toBe(false);
    const w = processedWeights(model, { foldLn: true, centerUnembed: true });
    const [d, V] = model.getWeight('unembed.W_U').shape;
    const wU = model.getWeight('unembed.W_U').data;
    const scale = model.getWeight('ln_final.w').data;
    const got = w.get('unembed.W_U')!.data;
    for (let i = 0; i < d; i++) {
      let mean = 0;
      for (let v = 0; v < V; v++) mean += scale[i] * wU[i * V + v];
      mean /= V;
      for (let v = 0; v < V; v++) expect(got[i * V + v]).toBeCloseTo(scale[i] * wU[i * V + v] - mean, 5);
    }
    expect(w.has('unembed.b_U')).toBe(true);
    expect(model.weights.has('unembed.b_U')).toBe(false);
  });
});
