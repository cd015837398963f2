import { defaultConfig, type ModelConfig } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { float64Kernels as k } from '../src/train/kernels.js';
import { initLinear } from '../src/train/linear-layout.js';
import { backward, forward } from '../src/train/transformer.js';
import { maxRelativeError, numericGradient, sampleIndices } from './gradient-check.js';

function tinyInputs(cfg: ModelConfig, batch: number, seq: number): { tokens: Int32Array; targets: Int32Array } {
  const tokens = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = (i * 7 + 3) % cfg.dVocab;
    targets[i] = i % 5 === 4 ? -1 : (i * 5 + 1) % cfg.dVocab;
  }
  return { tokens, targets };
}

const configs: [string, ModelConfig][] = [
  ['llama (RMSNorm, rotary, SwiGLU, grouped-query)', defaultConfig('llama', { nLayers: 2, dModel: 8, nHeads: 4, nKvHeads: 2, dHead: 4, dMlp: 12, dVocab: 11, nCtx: 8 })],
  ['gpt2 (LayerNorm, learned positions, GELU, biases)', defaultConfig('gpt2', { nLayers: 2, dModel: 8, nHeads: 2, dHead: 4, dMlp: 16, dVocab: 11, nCtx: 8, unembedBias: true })],
];

describe.each(configs)('whole-model gradient: %s', (_name, cfg) => {
  it('matches float64 central differences on every parameter tensor', async () => {
    const batch = 2, seq = 5;
    const p = initLinear(k, cfg, 3);
    // larger-than-init weights so every path carries gradient (norm weights away from 1)
    for (let i = 0; i < p.data.length; i++) p.data[i] += 0.3 * Math.sin(i * 1.7);
    const { tokens, targets } = tinyInputs(cfg, batch, seq);
    const fwd = await forward(k, p, tokens, targets, batch, seq);
    const grads = new Float64Array(p.data.length);
    await backward(k, p, grads, fwd, batch, seq);
    const f = async () => (await forward(k, p, tokens, targets, batch, seq)).loss;
    for (const spec of p.specs) {
      const offset = p.offsets.get(spec.name) as number;
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const idx = sampleIndices(size, 12, offset).map((i) => i + offset);
      const numeric = await numericGradient(f, p.data as Float64Array, idx);
      expect(maxRelativeError(grads, numeric, idx), spec.name).toBeLessThan(1e-5);
    }
  });
});
