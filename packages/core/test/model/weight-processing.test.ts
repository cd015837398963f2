import { describe, expect, it } from 'vitest';
import { logSoftmax, processWeights, randomModel, type Architecture } from '../../src/index.js';

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
