import { describe, expect, it } from 'vitest';
import { randomModel, type Architecture, type ModelConfig } from '../../src/index.js';

// The fused block graphs (model/fused/) against the per-kernel path they replace, on every hook point,
// for each architecture and the variants the graphs branch on: rotary style, partial rotary, grouped
// queries, attention biases, parallel attention/MLP, and key/value-cached decoding.
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const variants: [string, Partial<ModelConfig> & { architecture: Architecture }][] = [
  ['gpt2 (learned positions, LayerNorm, biases)', { architecture: 'gpt2' }],
  ['gpt-neox (parallel, partial rotary, half style)', { architecture: 'gpt-neox', rotaryDim: 4 }],
  ['llama (RMSNorm, gated MLP, grouped queries, interleaved rotary)', { architecture: 'llama', nKvHeads: 2, rotaryStyle: 'interleaved' }],
  ['llama (half rotary, attention biases as Qwen2)', { architecture: 'llama', rotaryStyle: 'half', attnBias: true }],
];

describe.each(variants)('fused graphs equal the per-kernel path: %s', (_label, partial) => {
  const config = { nLayers: 3, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64, ...partial };
  const fused = randomModel(config, { seed: 9, std: 0.3, backend: 'onnxruntime' });
  const kernels = randomModel(config, { seed: 9, std: 0.3, backend: 'onnxruntime', fused: false });
  const batch = [[3, 9, 1, 22, 5, 7, 7], [0, 0, 4, 8, 15, 16, 23]];
  const attentionMask = [[1, 1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1, 1]];

  it('every cached hook point and the logits, on a left-padded batch', async () => {
    const a = await fused.runWithCache(batch, { attentionMask });
    const b = await kernels.runWithCache(batch, { attentionMask });
    expect(a.cache.names()).toEqual(b.cache.names());
    for (const n of b.cache.names()) {
      const x = a.cache.get(n).data, y = b.cache.get(n).data;
      const scale = Math.max(1, ...Array.from(y, (v) => (Math.abs(v) > 1e30 ? 0 : Math.abs(v))));
      expect(maxAbs(x, y) / scale, n).toBeLessThan(2e-5);
    }
    expect(maxAbs(a.logits!.data, b.logits!.data)).toBeLessThan(1e-4);
  });

  it('greedy generation with the key/value cache, and the hooks see the same values', async () => {
    const seen: number[][] = [[], []];
    const spy = (k: number) => [{ name: 'blocks.1.attn.hook_z', observe: (t: { data: Float32Array }) => void seen[k].push(t.data[t.data.length - 1]) }];
    const g1 = await fused.generate([1, 2, 3], { maxNewTokens: 10, stopAtEos: false, hooks: spy(0) });
    const g2 = await kernels.generate([1, 2, 3], { maxNewTokens: 10, stopAtEos: false, hooks: spy(1) });
    expect(g1.tokens).toEqual(g2.tokens);
    expect(maxAbs(seen[0], seen[1])).toBeLessThan(1e-5);
  });

  it('an edit hook in one block runs that block per kernel and the others fused, with the same result', async () => {
    const hooks = [{ name: 'blocks.1.mlp.hook_post', edit: (t: { data: Float32Array }) => { t.data.fill(0.5); } }];
    const a = await fused.run(batch, { attentionMask, hooks });
    const b = await kernels.run(batch, { attentionMask, hooks });
    expect(maxAbs(a.logits!.data, b.logits!.data)).toBeLessThan(1e-4);
  });
});
