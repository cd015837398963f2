import { describe, expect, it } from 'vitest';
import {
  activationPatching, everyReceiver, logitDiffMetric, pathPatching, pathPatchingSweep, patchHookName, randomModel, runPatchedRows,
  PATCH_HOOKS, PER_HEAD_HOOKS, type Architecture, type Float32Tensor, type Hook, type HookedTransformer, type PatchHook, type PatchOver,
} from '../../src/index.js';

const small = (architecture: Architecture) => ({ architecture, nLayers: 3, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64 });
const clean = [[3, 9, 1, 22, 7, 7, 30], [1, 2, 3, 4, 5, 6, 7]];
const corrupted = [[3, 9, 14, 22, 7, 8, 30], [1, 2, 33, 4, 5, 6, 21]];
const answers = [5, 11], wrongs = [17, 2];
const metric = logitDiffMetric(answers, wrongs);

/** logit(answer) - logit(wrong) at the last position of a [1, T, V] logits tensor, written out. */
function logitDiff(logits: Float32Tensor, pair: number): number {
  const [, T, V] = logits.shape;
  return logits.data[(T - 1) * V + answers[pair]] - logits.data[(T - 1) * V + wrongs[pair]];
}

async function metricOf(model: HookedTransformer, tokens: number[], pair: number, hooks: Hook[] = []): Promise<number> {
  return logitDiff((await model.run(tokens, { hooks })).logits!, pair);
}

const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

describe.each(['gpt2', 'gpt-neox', 'llama'] as Architecture[])('activation patching (%s)', (arch) => {
  const model = randomModel(small(arch), { seed: 11, std: 0.4 });
  const hooks = PATCH_HOOKS.filter((h) => !(h === 'resid_mid' && arch === 'gpt-neox'));

  it.each(hooks)('every cell of the %s grids equals a hand-written hook-by-hook re-run (denoising)', async (hook: PatchHook) => {
    const caches = await Promise.all(clean.map((c) => model.runWithCache(c, { optIn: true })));
    const overs: PatchOver[] = PER_HEAD_HOOKS.includes(hook) ? ['layer', 'layer-position', 'layer-head'] : hook === 'mlp_post' ? ['layer', 'layer-position', 'layer-neuron'] : ['layer', 'layer-position'];
    for (const over of overs) {
      const grid = await activationPatching({ model, clean, corrupted, metric, hook, over, batchSize: 5 });
      expect(grid.clean).toBeCloseTo(mean(await Promise.all(clean.map((c, i) => metricOf(model, c, i)))), 4);
      expect(grid.corrupted).toBeCloseTo(mean(await Promise.all(corrupted.map((c, i) => metricOf(model, c, i)))), 4);
      for (let l = 0; l < 3; l++) {
        for (let c = 0; c < grid.columns.length; c++) {
          const name = patchHookName(hook, l);
          const perPair = await Promise.all(
            corrupted.map((tokens, i) => {
              const source = caches[i].cache.get(name);
              const h: Hook = { name, fn: () => source };
              if (over === 'layer-position') h.positions = [c];
              if (over === 'layer-head') h.heads = [c];
              // One neuron at every position, written out: copy that column of the clean activation.
              if (over === 'layer-neuron') h.fn = (act) => {
                const width = act.shape[act.shape.length - 1];
                for (let e = c; e < act.data.length; e += width) act.data[e] = source.data[e];
              };
              return metricOf(model, tokens, i, [h]);
            }),
          );
          const byHand = mean(perPair);
          expect(Math.abs(grid.values[l][c] - byHand), `${hook} ${over} L${l} ${grid.columns[c]}`).toBeLessThan(1e-4);
          expect(grid.normalised[l][c]).toBeCloseTo((byHand - grid.corrupted) / (grid.clean - grid.corrupted), 3);
        }
      }
    }
  });

  it('patching every component at once recovers the clean metric; patching nothing gives the corrupted one', async () => {
    const caches = await Promise.all(clean.map((c) => model.runWithCache(c)));
    const components = ['hook_embed', ...(arch === 'gpt2' ? ['hook_pos_embed'] : [])];
    for (let l = 0; l < 3; l++) components.push(`blocks.${l}.hook_attn_out`, `blocks.${l}.hook_mlp_out`);
    const rows = corrupted.map((tokens, i) => ({ tokens, patches: components.map((hook) => ({ hook, value: caches[i].cache.get(hook).data })) }));
    const everything = await runPatchedRows(model, rows);
    const nothing = await runPatchedRows(model, corrupted.map((tokens) => ({ tokens, patches: [] })));
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(metric.evaluate(everything[i].lastLogits, i) - (await metricOf(model, clean[i], i)))).toBeLessThan(1e-5);
      expect(Math.abs(metric.evaluate(nothing[i].lastLogits, i) - (await metricOf(model, corrupted[i], i)))).toBeLessThan(1e-5);
    }
    // The whole residual entering block 0 restores the clean run; normalised 1 in every layer for resid_pre over layer.
    const grid = await activationPatching({ model, clean, corrupted, metric, hook: 'resid_pre', over: 'layer' });
    for (const row of grid.normalised) expect(row[0]).toBeCloseTo(1, 4);
    const noised = await activationPatching({ model, clean, corrupted, metric, hook: 'resid_pre', over: 'layer', direction: 'noise' });
    for (const row of noised.normalised) expect(row[0]).toBeCloseTo(0, 4);
  });

  it('path patching with every receiver equals activation patching of the senders from the corrupted run', async () => {
    const heads = await activationPatching({ model, clean, corrupted, metric, hook: 'z', over: 'layer-head', direction: 'noise' });
    const senderSets: string[][] = [];
    for (let l = 0; l < 3; l++) for (let h = 0; h < 4; h++) senderSets.push([`L${l}H${h}`]);
    const sweep = await pathPatchingSweep({ model, clean, corrupted, metric, senderSets, receivers: everyReceiver(model), batchSize: 7 });
    for (let l = 0; l < 3; l++) for (let h = 0; h < 4; h++) expect(Math.abs(sweep.values[l * 4 + h] - heads.values[l][h])).toBeLessThan(1e-4);
    const mlps = await activationPatching({ model, clean, corrupted, metric, hook: 'mlp_out', over: 'layer', direction: 'noise' });
    const viaPaths = await pathPatchingSweep({ model, clean, corrupted, metric, senderSets: [['L0MLP'], ['L1MLP'], ['L2MLP']], receivers: everyReceiver(model) });
    for (let l = 0; l < 3; l++) expect(Math.abs(viaPaths.values[l] - mlps.values[l][0])).toBeLessThan(1e-4);
  });

  it('path patching to the logits is the direct effect: the head\'s output change added to the clean final residual', async () => {
    const { dModel: d, dHead: D, nHeads: H } = model.config;
    const r = await pathPatching({ model, clean, corrupted, metric, senders: ['L1H2'], receivers: ['logits'] });
    const WO = model.getWeight('blocks.1.attn.W_O');
    const perPair: number[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await model.runWithCache(clean[i]);
      const k = await model.runWithCache(corrupted[i]);
      const T = clean[i].length;
      const zc = c.cache.get('blocks.1.attn.hook_z').data, zk = k.cache.get('blocks.1.attn.hook_z').data;
      const resid = c.cache.get('blocks.2.hook_resid_post').data.slice((T - 1) * d, T * d);
      for (let j = 0; j < d; j++) {
        for (let e = 0; e < D; e++) resid[j] += (zk[((T - 1) * H + 2) * D + e] - zc[((T - 1) * H + 2) * D + e]) * WO.data[(2 * D + e) * d + j];
      }
      // Final norm and unembedding of the last position, by hand.
      const w = model.getWeight('ln_final.w').data, b = model.weights.get('ln_final.b')?.data;
      const mu = model.config.normType === 'layernorm' ? resid.reduce((a, x) => a + x, 0) / d : 0;
      const s = Math.sqrt(resid.reduce((a, x) => a + (x - mu) ** 2, 0) / d + model.config.normEps);
      const WU = model.getWeight('unembed.W_U').data, V = model.config.dVocab;
      let diff = 0;
      for (let j = 0; j < d; j++) {
        const x = ((resid[j] - mu) / s) * w[j] + (b ? b[j] : 0);
        diff += x * (WU[j * V + answers[i]] - WU[j * V + wrongs[i]]);
      }
      perPair.push(diff);
    }
    expect(Math.abs(r.value - mean(perPair))).toBeLessThan(1e-4);
  });

  it('path patching to one head\'s query equals the two runs written out with hooks', async () => {
    const r = await pathPatching({ model, clean, corrupted, metric, senders: ['L0H0', 'L0MLP'], receivers: ['L2H1.q'] });
    const group = Math.floor(1 / (model.config.nHeads / model.config.nKvHeads));
    const perPair: number[] = [];
    for (let i = 0; i < 2; i++) {
      const c = (await model.runWithCache(clean[i])).cache, k = (await model.runWithCache(corrupted[i])).cache;
      const fromClean = (name: string, heads?: number[]): Hook => ({ name, fn: () => c.get(name), heads });
      const first: Hook[] = [
        { name: 'blocks.0.attn.hook_z', fn: () => k.get('blocks.0.attn.hook_z'), heads: [0] },
        fromClean('blocks.0.attn.hook_z', [1, 2, 3]),
        { name: 'blocks.0.hook_mlp_out', fn: () => k.get('blocks.0.hook_mlp_out') },
        fromClean('blocks.1.attn.hook_z'), fromClean('blocks.1.hook_mlp_out'),
        fromClean('blocks.2.attn.hook_z', [0, 2, 3]), fromClean('blocks.2.hook_mlp_out'),
        fromClean('blocks.2.attn.hook_k', [group]), fromClean('blocks.2.attn.hook_v', [group]),
      ];
      const run1 = await model.run(clean[i], { hooks: first, cache: ['blocks.2.attn.hook_q'] });
      const q = run1.cache.get('blocks.2.attn.hook_q');
      perPair.push(await metricOf(model, clean[i], i, [{ name: 'blocks.2.attn.hook_q', fn: () => q, heads: [1] }]));
    }
    expect(Math.abs(r.value - mean(perPair))).toBeLessThan(1e-4);
  });

  it('pairs of different lengths are grouped (over layer), each cell still equal to the hand-written re-runs', async () => {
    const c2 = [clean[0], clean[1].slice(0, 5)], k2 = [corrupted[0], corrupted[1].slice(0, 5)];
    const grid = await activationPatching({ model, clean: c2, corrupted: k2, metric, hook: 'attn_out', over: 'layer' });
    for (let l = 0; l < 3; l++) {
      const name = `blocks.${l}.hook_attn_out`;
      const perPair = await Promise.all(
        k2.map(async (tokens, i) => {
          const source = (await model.runWithCache(c2[i])).cache.get(name);
          return metricOf(model, tokens, i, [{ name, fn: () => source }]);
        }),
      );
      expect(Math.abs(grid.values[l][0] - mean(perPair))).toBeLessThan(1e-4);
    }
    await expect(activationPatching({ model, clean: c2, corrupted: k2, metric, hook: 'attn_out', over: 'layer-position' })).rejects.toThrow(/needs every pair to have the same length; lengths are 7, 5/);
  });

  it('path patching to a residual: the head\'s output change added to the clean residual there, the rest recomputed', async () => {
    const { dModel: d, dHead: D, nHeads: H } = model.config;
    const r = await pathPatching({ model, clean, corrupted, metric, senders: ['L0H3'], receivers: ['blocks.2.hook_resid_pre'] });
    const WO = model.getWeight('blocks.0.attn.W_O');
    const perPair: number[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await model.runWithCache(clean[i]);
      const k = await model.runWithCache(corrupted[i]);
      const T = clean[i].length;
      const zc = c.cache.get('blocks.0.attn.hook_z').data, zk = k.cache.get('blocks.0.attn.hook_z').data;
      const resid = c.cache.get('blocks.2.hook_resid_pre').data.slice();
      for (let p = 0; p < T; p++)
        for (let j = 0; j < d; j++)
          for (let e = 0; e < D; e++) resid[p * d + j] += (zk[(p * H + 3) * D + e] - zc[(p * H + 3) * D + e]) * WO.data[(3 * D + e) * d + j];
      const out = await model.run(clean[i], { startAt: { layer: 2, residual: { dtype: 'float32', shape: [1, T, d], data: resid } } });
      perPair.push(logitDiff(out.logits!, i));
    }
    expect(Math.abs(r.value - mean(perPair))).toBeLessThan(1e-4);
  });

  it('bad input gets one clear message', async () => {
    await expect(activationPatching({ model, clean: [[1, 2, 3]], corrupted: [[1, 2]], metric, hook: 'z', over: 'layer' })).rejects.toThrow(/pair 0: the clean prompt has 3 tokens but the corrupted one has 2/);
    await expect(activationPatching({ model, clean, corrupted, metric, hook: 'attn_out', over: 'layer-head' })).rejects.toThrow(/needs a per-head hook \(z, pattern, result\), not attn_out/);
    await expect(activationPatching({ model, clean, corrupted, metric, hook: 'z', over: 'layer-neuron' })).rejects.toThrow(/over "layer-neuron" needs the MLP neurons, hook mlp_post, not z/);
    await expect(pathPatching({ model, clean, corrupted, metric, senders: ['L7H0'], receivers: ['logits'] })).rejects.toThrow(/layer 7/);
    await expect(pathPatching({ model, clean, corrupted, metric, senders: ['L0H0'], receivers: ['L1H0.x'] })).rejects.toThrow(/receiver "L1H0.x" is not a component/);
  });
});
