import { runAnalysis, type Hook, type HookedTransformer, type RunOptions, type TokenInput } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin, { bosAblationHooks, inductionEntropyParams, inductionEntropyResults, inductionEntropyStudy, repeatedRandomTokens, type InductionEntropyResults } from '../src/index.js';
import { defaultModel, io } from './helpers.js';

/**
 * The model with a planted induction head: head `head` of layer `layer` attends, from every query of the
 * repeated half (q > n), only to the token after the earlier copy of the current token (key q - n + 1).
 * The planting hook runs before any hook the caller adds, so an analysis's own edits (BOS-ablation) win.
 */
function withPlantedInductionHead(model: HookedTransformer, layer: number, head: number, n: number): HookedTransformer {
  const plant: Hook = {
    name: `blocks.${layer}.attn.hook_pattern`,
    heads: [head],
    edit: (t) => {
      const [B, H, T] = t.shape;
      for (let b = 0; b < B; b++)
        for (let q = n + 1; q < T; q++) {
          const o = ((b * H + head) * T + q) * T;
          t.data.fill(0, o, o + T);
          t.data[o + q - n + 1] = 1;
        }
    },
  };
  const withPlant = (options?: RunOptions): RunOptions => ({ ...options, hooks: [plant, ...(options?.hooks ?? [])] });
  return new Proxy(model, {
    get(target, prop) {
      if (prop === 'run') return (tokens: TokenInput, options?: RunOptions) => target.run(tokens, withPlant(options));
      if (prop === 'runWithCache') return (tokens: TokenInput, options?: RunOptions) => target.runWithCache(tokens, withPlant(options));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('induction-entropy', () => {
  it('finds a planted induction head with the score of the -(n-1) diagonal computed by hand', async () => {
    const base = await defaultModel();
    const n = 10;
    const model = withPlantedInductionHead(base, 1, 2, n);
    const params = inductionEntropyParams.parse({ n, sequences: 6, neurons: 3 });
    const report = await inductionEntropyStudy(model, params, 4, io());
    const r = inductionEntropyResults.parse(report.results) as InductionEntropyResults;
    expect(r.inductionHeads).toEqual(['L1H2']);
    // By hand: the mean over sequences of the diagonal pattern[q][q - n + 1], q = n - 1 .. 2n.
    const seqs = repeatedRandomTokens({ bos: 1, n, count: 6, vocab: base.config.dVocab, exclude: new Set([2]), seed: 4 });
    const { cache } = await model.runWithCache(seqs, { cache: ['blocks.1.attn.hook_pattern', 'blocks.0.attn.hook_pattern'] });
    for (const h of r.heads) {
      const p = cache.get(`blocks.${h.layer}.attn.hook_pattern`);
      let s = 0;
      for (let b = 0; b < 6; b++) {
        let d = 0;
        for (let q = n - 1; q <= 2 * n; q++) d += p.get(b, h.head, q, q - n + 1);
        s += d / (n + 2);
      }
      expect(h.score).toBeCloseTo(s / 6, 5);
    }
    const planted = r.heads.find((h) => h.layer === 1 && h.head === 2)!;
    expect(planted.score).toBeGreaterThan(n / (n + 2) - 1e-6);
    expect(report.summary).toContain('Induction heads (score > 0.7): L1H2');
  });

  it('per-position loss, entropy and the BOS-ablated activations equal a hand-written re-run', async () => {
    const base = await defaultModel();
    const n = 8;
    const model = withPlantedInductionHead(base, 1, 0, n);
    const report = await inductionEntropyStudy(model, inductionEntropyParams.parse({ n, sequences: 4, neurons: 2, batchSize: 3 }), 9, io());
    const r = report.results as unknown as InductionEntropyResults;
    const seqs = repeatedRandomTokens({ bos: 1, n, count: 4, vocab: base.config.dVocab, exclude: new Set([2]), seed: 9 });
    const V = base.config.dVocab, T = 2 * n + 1, dMlp = base.config.dMlp;
    const handBos: Hook = {
      name: 'blocks.1.attn.hook_pattern',
      heads: [0],
      edit: (t) => {
        for (let b = 0; b < 4; b++) for (let q = 0; q < T; q++) for (let k = 0; k < T; k++) t.data[((b * t.shape[1] + 0) * T + q) * T + k] = k === 0 ? 1 : 0;
      },
    };
    for (const [ablated, hooks] of [[false, []], [true, [handBos]]] as const) {
      const { logits, cache } = await model.runWithCache(seqs, { cache: ['blocks.1.mlp.hook_post', 'ln_final.hook_scale'], hooks: [...hooks] });
      for (let p = 0; p < T - 1; p++) {
        let loss = 0, ent = 0;
        for (let b = 0; b < 4; b++) {
          const row = Array.from({ length: V }, (_, i) => logits!.get(b, p, i));
          const m = Math.max(...row);
          const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
          loss += lse - row[seqs[b][p + 1]];
          ent -= row.reduce((a, x) => a + Math.exp(x - lse) * (x - lse), 0);
        }
        const pos = r.positions[p];
        expect(ablated ? pos.lossAblated! : pos.loss).toBeCloseTo(loss / 4, 4);
        expect(ablated ? pos.entropyAblated! : pos.entropy).toBeCloseTo(ent / 4, 4);
        const sc = [0, 1, 2, 3].reduce((acc, b) => acc + cache.get('ln_final.hook_scale').get(b, p, 0) / 4, 0);
        expect(ablated ? pos.scaleAblated! : pos.scale).toBeCloseTo(sc, 5);
      }
      for (const nr of r.neurons) {
        for (let p = 0; p < T; p++) {
          let a = 0;
          for (let b = 0; b < 4; b++) a += cache.get('blocks.1.mlp.hook_post').data[(b * T + p) * dMlp + nr.neuron] / 4;
          expect(ablated ? nr.activationAblated![p] : nr.activation[p]).toBeCloseTo(a, 5);
        }
      }
    }
    // The ablation really moved the planted head's output: the repeated half's activations differ.
    expect(r.neurons.some((nr) => nr.activation.some((a, p) => Math.abs(a - nr.activationAblated![p]) > 1e-4))).toBe(true);
  });

  it('BOS-ablation hooks put all of a head\'s attention on position 0', () => {
    const hooks = bosAblationHooks([{ layer: 1, head: 3 }, { layer: 1, head: 0 }, { layer: 0, head: 2 }]);
    expect(hooks.map((h) => [h.name, 'heads' in h ? h.heads : null])).toEqual([['blocks.1.attn.hook_pattern', [3, 0]], ['blocks.0.attn.hook_pattern', [2]]]);
  });

  it('without induction heads nothing is ablated, and the summary says so', async () => {
    const model = await defaultModel();
    const run = await runAnalysis({ plugin, analysis: plugin.analyses.find((a) => a.id === 'induction-entropy')!, models: [model], params: { n: 6, sequences: 4 }, seed: 3 });
    const r = run.results as unknown as InductionEntropyResults;
    expect(r.inductionHeads).toEqual([]);
    expect(r.positions[0].lossAblated).toBeNull();
    expect(run.summary).toMatch(/No head scores above 0\.7 \(the best is L\dH\d at/);
  });

  it('bad inputs fail with one message naming the fix', async () => {
    const model = await defaultModel();
    const analysis = plugin.analyses.find((a) => a.id === 'induction-entropy')!;
    await expect(runAnalysis({ plugin, analysis, models: [model], params: { n: 40 } })).rejects.toThrow(/n=40 makes sequences of 81 tokens, longer than the model's context of 64; pass n=31 or less/);
    await expect(runAnalysis({ plugin, analysis, models: [model], params: { draw: 'dataset' } })).rejects.toThrow(/--param draw=dataset .* pass one with --data/);
  });
});
