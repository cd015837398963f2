import { layerNorm, matmulReference, rmsNorm, tensor, type Architecture } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { layerInterventionSweep, logitLens, tokenRank } from '../src/index.js';
import { model, naiveMetrics, windows } from './helpers.js';

describe.each(['gpt2', 'llama'] as Architecture[])('logit lens (%s)', (arch) => {
  const m = model(arch, 4, 4);
  const toks = windows(3, 9, m.config.dVocab, 4);

  it('equals the model truncated after each block (its own final norm on that residual)', async () => {
    const lens = await logitLens(m, toks, { batchWindows: 2 });
    const final = (await m.run(toks)).logits!;
    expect(lens.map((r) => r.relativeDepth)).toEqual([0, 1 / 3, 2 / 3, 1]);
    for (let l = 0; l < 4; l++) {
      const truncated = (await m.run(toks, { schedule: Array.from({ length: l + 1 }, (_, i) => i) })).logits!;
      const naive = naiveMetrics(final, truncated, toks);
      expect(lens[l].entropy).toBeCloseTo(naive.entropy, 5);
      expect(lens[l].kl).toBeCloseTo(naive.kl, 5);
      expect(lens[l].finalTopAgreement).toBeCloseTo(naive.agreement, 10);
      expect(lens[l].crossEntropy).toBeCloseTo(naive.crossEntropy, 5);
      // Rank of the final argmax under the truncated model, scored positions only.
      const [B, T, V] = final.shape;
      const rows: number[] = [], tops: number[] = [];
      for (let b = 0; b < B; b++)
        for (let t = 1; t <= T - 2; t++) {
          const o = (b * T + t) * V;
          let best = 0;
          for (let j = 1; j < V; j++) if (final.data[o + j] > final.data[o + best]) best = j;
          rows.push(...truncated.data.subarray(o, o + V));
          tops.push(best);
        }
      const ranks = tokenRank(tensor([tops.length, V], rows), tops);
      expect(lens[l].finalTopRank).toBeCloseTo(ranks.reduce((a, b) => a + b, 0) / ranks.length, 10);
    }
    expect(lens[3].kl).toBeLessThan(1e-9);
    // Reading out after block L-2 is the model with its last block deleted.
    const sweep = await layerInterventionSweep(m, toks, { interventions: ['deletion'] });
    expect(lens[2].kl).toBeCloseTo(sweep.deletion[3].kl, 6);
    expect(lens[2].entropy).toBeCloseTo(sweep.deletion[3].entropy, 6);
    expect(lens[3].finalTopRank).toBe(0);
    expect(lens[3].finalTopAgreement).toBe(1);
  });

  it('recomputes the final norm on the layer-1 residual (checked with the reference norm and matmul)', async () => {
    const run = await m.run(toks, { cache: ['blocks.1.hook_resid_post'] });
    const resid = run.cache.get('blocks.1.hook_resid_post');
    const eps = m.config.normEps;
    const normed = m.config.normType === 'rmsnorm'
      ? rmsNorm(resid, m.getWeight('ln_final.w'), eps).output
      : layerNorm(resid, m.getWeight('ln_final.w'), m.getWeight('ln_final.b'), eps).output;
    const d = m.config.dModel;
    const logits = matmulReference(tensor([resid.data.length / d, d], normed.data), m.getWeight('unembed.W_U'));
    const final = (await m.run(toks)).logits!;
    const naive = naiveMetrics(final, tensor(final.shape, logits.data), toks);
    const lens = await logitLens(m, toks);
    expect(lens[1].entropy).toBeCloseTo(naive.entropy, 4);
    expect(lens[1].kl).toBeCloseTo(naive.kl, 4);
  });
});
