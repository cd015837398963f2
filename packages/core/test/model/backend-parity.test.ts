import { describe, expect, it } from 'vitest';
import { createOrtBackend, createReferenceBackend, randomModel, tensor, createRng, type Architecture } from '../../src/index.js';

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

function randomTensor(shape: number[], seed: number) {
  const rng = createRng(seed);
  const t = tensor(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
  return t;
}

describe('onnxruntime and reference backends agree', () => {
  it('matmul with transposes and batches', async () => {
    const ort = createOrtBackend({ threads: 1 });
    const ref = createReferenceBackend();
    const a = randomTensor([3, 17, 33], 1);
    const b = randomTensor([3, 33, 9], 2);
    const bt = randomTensor([3, 9, 33], 3);
    expect(maxRelErr((await ort.matmul(a, b)).data, (await ref.matmul(a, b)).data)).toBeLessThan(1e-6);
    expect(maxRelErr((await ort.matmul(a, bt, { transposeB: true })).data, (await ref.matmul(a, bt, { transposeB: true })).data)).toBeLessThan(1e-6);
    await ort.dispose();
  });

  for (const architecture of ['gpt2', 'gpt-neox', 'llama'] as Architecture[]) {
    it(`full forward with every activation cached: ${architecture}`, async () => {
      const cfg = { architecture, nLayers: 2, dModel: 32, nHeads: 4, dMlp: 64, dVocab: 50, nCtx: 32, std: 0.2 };
      const a = randomModel(cfg, { seed: 7, backend: 'onnxruntime', threads: 1, std: 0.2 });
      const b = randomModel(cfg, { seed: 7, backend: 'reference', std: 0.2 });
      const tokens = [[1, 5, 9, 3, 7, 2, 11, 4]];
      const ra = await a.runWithCache(tokens);
      const rb = await b.runWithCache(tokens);
      expect(ra.cache.names()).toEqual(rb.cache.names());
      expect(ra.cache.names()).toEqual(a.hookPoints());
      for (const name of ra.cache.names()) {
        expect(maxRelErr(ra.cache.get(name).data, rb.cache.get(name).data), name).toBeLessThan(2e-5);
      }
      expect(maxRelErr(ra.logits!.data, rb.logits!.data)).toBeLessThan(2e-5);
      await a.dispose();
    });
  }
});
