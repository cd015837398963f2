/**
 * The forward of runWithGrad equals core's run() (logits and every cached activation), for every
 * architecture, a left-padded batch and a schedule with a repeated block.
 */
import { describe, expect, it } from 'vitest';
import { gradMetrics } from '../../src/index.js';
import { ARCHS, maxAbs, maxAbsDiff, model, randomTokens } from './helpers.js';

describe('runWithGrad forward = run()', () => {
  for (const c of ARCHS) {
    it(c.label, async () => {
      const m = model(c);
      const tokens = randomTokens(2, 7, m.config.dVocab, 3);
      const cases = [
        { tokens, options: {} },
        { tokens: { tokens: [[0, 0, 5, 6, 7, 8, 9], [1, 2, 3, 4, 5, 6, 7]], attentionMask: [[0, 0, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1]], lengths: [5, 7] }, options: {} },
        { tokens, options: { schedule: [0, 1, 1] } },
      ];
      for (const { tokens: t, options } of cases) {
        const ref = await m.run(t, { ...options, cache: true, optIn: ['attnResult'] });
        const g = await m.runWithGrad(t, { ...options, cache: true, optIn: ['attnResult'], metric: gradMetrics.loss(), wrt: [] });
        expect(maxAbsDiff(g.logits.data, ref.logits!.data)).toBeLessThan(1e-4 * Math.max(1, maxAbs(ref.logits!.data)));
        const names = ref.cache.names();
        expect(g.cache.names().sort()).toEqual([...names].sort());
        for (const n of names) {
          const a = ref.cache.get(n).data, b = g.cache.get(n).data;
          const scaleOf = n.endsWith('attn_scores') ? 1 : Math.max(1, maxAbs(a));
          // masked scores are float32's lowest in both
          expect(maxAbsDiff(a, b) / scaleOf, n).toBeLessThan(2e-4);
        }
      }
    });
  }
});

describe('training steps: accumulate and weightsUpdated', () => {
  it('accumulate adds into the given tensors; after an in-place step and weightsUpdated, run() and runWithGrad see the new weights', async () => {
    const m = model(ARCHS[2], 5, { fused: true });
    const tokens = randomTokens(2, 6, m.config.dVocab, 6);
    const wrt = m.weightNames();
    const plain = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt });
    const acc = new Map([...m.weights].map(([n, w]) => [n, { dtype: 'float32' as const, shape: [...w.shape], data: new Float32Array(w.data.length) }]));
    await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: [], accumulate: acc });
    await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: [], accumulate: acc });
    for (const n of wrt) {
      const g = plain.grads.get(n)!.data, a = acc.get(n)!.data;
      expect(maxAbsDiff(a, g.map((v) => 2 * v)), n).toBeLessThanOrEqual(1e-5 * Math.max(1e-6, maxAbs(g)));
    }
    await m.run(tokens); // compiles the fused graphs with the current weights
    for (const [n, g] of acc) {
      const w = m.weights.get(n)!.data;
      for (let i = 0; i < w.length; i++) w[i] -= 0.5 * g.data[i];
    }
    m.weightsUpdated();
    const after = await m.run(tokens);
    const g2 = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: [] });
    expect(maxAbsDiff(g2.logits.data, after.logits!.data)).toBeLessThan(1e-4 * Math.max(1, maxAbs(after.logits!.data)));
    expect(g2.value).toBeLessThan(plain.value);
  });
});
