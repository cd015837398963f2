/**
 * attributionPatching against an independent reference: each cell is the directional derivative of the
 * metric along the patch, d/dα metric(run with a + α(a_source − a) in that cell) at α = 0, measured by
 * central finite differences (Richardson-extrapolated) through model.run() with a hand-written edit hook
 * (no gradients at all).
 */
import { describe, expect, it } from 'vitest';
import {
  answerProbabilityMetric, attributionPatching, logitDiffMetric, patchHookName, randomModel,
  type Architecture, type Hook, type HookedTransformer, type PatchHook, type PatchingMetric, type PatchOver,
} from '../../src/index.js';

const small = (architecture: Architecture) => ({ architecture, nLayers: 3, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64 });
const clean = [[3, 9, 1, 22, 7, 7, 30], [1, 2, 3, 4, 5, 6, 7]];
const corrupted = [[3, 9, 14, 22, 7, 8, 30], [1, 2, 33, 4, 5, 6, 21]];
const answers = [5, 11], wrongs = [17, 2];
const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

/** The metric of one run of `tokens` with `hooks`, read at the last position (the pair's answer tokens). */
async function metricOf(model: HookedTransformer, metric: PatchingMetric, tokens: readonly number[], pair: number, hooks: Hook[]): Promise<number> {
  const logits = (await model.run(tokens, { hooks, optIn: ['attnResult'] })).logits!;
  const [, T, V] = logits.shape;
  return metric.evaluate(logits.data.slice((T - 1) * V, T * V), pair);
}

/**
 * The central finite difference of the metric along the patch of one cell, for one pair: the cell's
 * elements move α of the way from the run's value to the source's. The cell is chosen with core's hook
 * restrictions (positions, heads) or, for neurons, by the last index written out.
 */
async function finiteDifference(
  model: HookedTransformer, metric: PatchingMetric, hook: PatchHook, over: PatchOver, layer: number, column: number,
  run: readonly number[], source: readonly number[], pair: number, eps = 1e-2,
): Promise<number> {
  const name = patchHookName(hook, layer);
  const from = (await model.runWithCache(source, { cache: [name], optIn: ['attnResult'] })).cache.get(name).data;
  const at = (alpha: number) => {
    const h: Hook = {
      name,
      fn: (act) => {
        const width = act.shape[act.shape.length - 1];
        for (let e = 0; e < act.data.length; e++) {
          if (over === 'layer-neuron' && e % width !== column) continue;
          act.data[e] += alpha * (from[e] - act.data[e]);
        }
      },
    };
    if (over === 'layer-position') h.positions = [column];
    if (over === 'layer-head') h.heads = [column];
    return metricOf(model, metric, run, pair, [h]);
  };
  // Central differences at eps and eps / 2, Richardson-extrapolated (error O(eps^4)): the metric can bend
  // sharply along a patch of the embeddings, where one step alone is not yet converged.
  const central = async (h: number) => ((await at(h)) - (await at(-h))) / (2 * h);
  return (4 * (await central(eps / 2)) - (await central(eps))) / 3;
}

const GRIDS: [PatchHook, PatchOver][] = [
  ['resid_pre', 'layer-position'], ['resid_post', 'layer'], ['attn_out', 'layer-position'], ['mlp_out', 'layer'],
  ['z', 'layer-head'], ['result', 'layer-head'], ['pattern', 'layer-head'], ['pattern', 'layer-position'], ['mlp_post', 'layer-neuron'],
];

describe.each(['gpt2', 'gpt-neox', 'llama'] as Architecture[])('attribution patching (%s)', (arch) => {
  const model = randomModel(small(arch), { seed: 11, std: 0.4 });
  const metric = logitDiffMetric(answers, wrongs);

  it.each(GRIDS)('cells of the %s over %s grid are the finite-difference directional derivatives along the patch', async (hook, over) => {
    for (const direction of ['denoise', 'noise'] as const) {
      const grid = await attributionPatching({ model, clean, corrupted, metric, hook, over, direction, batchSize: 2 });
      const [run, source] = direction === 'denoise' ? [corrupted, clean] : [clean, corrupted];
      expect(grid.rows).toEqual(['L0', 'L1', 'L2']);
      // A few cells of every layer (neurons: three of them), each against its own finite difference.
      const cols = over === 'layer-neuron' ? [0, 17, 47] : over === 'layer-position' ? [0, 2, 5, 6] : Array.from(grid.columns, (_, c) => c);
      for (let l = 0; l < 3; l++) {
        for (const c of cols) {
          const perPair = await Promise.all(run.map((tokens, i) => finiteDifference(model, metric, hook, over, l, c, tokens, source[i], i)));
          const fd = mean(perPair);
          const what = `${direction} ${hook} ${over} L${l} ${grid.columns[c]}: attribution ${grid.attribution[l][c]}, finite difference ${fd}`;
          expect(Math.abs(grid.attribution[l][c] - fd), what).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
          // values and normalised follow activationPatching's conventions.
          const base = direction === 'denoise' ? grid.corrupted : grid.clean;
          expect(grid.values[l][c]).toBeCloseTo(base + grid.attribution[l][c], 5);
          expect(grid.normalised[l][c]).toBeCloseTo((grid.values[l][c] - grid.corrupted) / (grid.clean - grid.corrupted), 5);
        }
      }
    }
  });

  it('the baselines are the metric of the plain runs; a nonlinear metric (probability) matches its finite differences too', async () => {
    const prob = answerProbabilityMetric(answers);
    const grid = await attributionPatching({ model, clean, corrupted, metric: prob, hook: 'z', over: 'layer-head' });
    expect(grid.clean).toBeCloseTo(mean(await Promise.all(clean.map((t, i) => metricOf(model, prob, t, i, [])))), 5);
    expect(grid.corrupted).toBeCloseTo(mean(await Promise.all(corrupted.map((t, i) => metricOf(model, prob, t, i, [])))), 5);
    expect(grid.passes).toEqual({ forward: 2, backward: 1, batches: 1 });
    for (let l = 0; l < 3; l++) {
      for (let h = 0; h < 4; h++) {
        const fd = mean(await Promise.all(corrupted.map((t, i) => finiteDifference(model, prob, 'z', 'layer-head', l, h, t, clean[i], i))));
        expect(Math.abs(grid.attribution[l][h] - fd)).toBeLessThan(1e-4 + 2e-2 * Math.abs(fd));
      }
    }
  });

  it('pairs of different lengths run in one left-padded batch; each cell still equals the per-pair finite differences', async () => {
    const c2 = [clean[0], clean[1].slice(0, 5)], k2 = [corrupted[0], corrupted[1].slice(0, 5)];
    for (const [hook, over] of [['z', 'layer-head'], ['mlp_out', 'layer'], ['pattern', 'layer-head']] as [PatchHook, PatchOver][]) {
      const grid = await attributionPatching({ model, clean: c2, corrupted: k2, metric, hook, over });
      expect(grid.passes.batches).toBe(1);
      for (let l = 0; l < 3; l++) {
        for (let c = 0; c < grid.columns.length; c++) {
          const fd = mean(await Promise.all(k2.map((t, i) => finiteDifference(model, metric, hook, over, l, c, t, c2[i], i))));
          expect(Math.abs(grid.attribution[l][c] - fd), `${hook} ${over} L${l} ${grid.columns[c]}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
        }
      }
    }
    await expect(attributionPatching({ model, clean: c2, corrupted: k2, metric, hook: 'z', over: 'layer-position' })).rejects.toThrow(
      /attributionPatching: over "layer-position" needs every pair to have the same length; lengths are 7, 5/,
    );
  });
});

describe('attribution patching: batches, progress, cancellation and bad input', () => {
  const model = randomModel(small('llama'), { seed: 5, std: 0.4 });
  const metric = logitDiffMetric(answers, wrongs);

  it('splitting the pairs into batches changes nothing; progress counts pairs', async () => {
    const three = { clean: [...clean, clean[0]], corrupted: [...corrupted, corrupted[1]] };
    const m3 = logitDiffMetric([...answers, 9], [...wrongs, 4]);
    const seen: [number, number][] = [];
    const one = await attributionPatching({ model, ...three, metric: m3, hook: 'resid_mid', over: 'layer-position' });
    const split = await attributionPatching({ model, ...three, metric: m3, hook: 'resid_mid', over: 'layer-position', batchSize: 2, onProgress: (d, t) => seen.push([d, t]) });
    expect(split.passes.batches).toBe(2);
    expect(seen).toEqual([[2, 3], [3, 3]]);
    for (let l = 0; l < 3; l++) for (let p = 0; p < 7; p++) expect(split.attribution[l][p]).toBeCloseTo(one.attribution[l][p], 4);
    expect(split.clean).toBeCloseTo(one.clean, 5);
  });

  it('a cancelled run stops', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(attributionPatching({ model, clean, corrupted, metric, hook: 'z', over: 'layer-head', signal: controller.signal })).rejects.toThrow(/cancelled/);
  });

  it('bad input gets one clear message', async () => {
    const noGradient: PatchingMetric = { name: 'mine', evaluate: (l) => l[0] };
    await expect(attributionPatching({ model, clean, corrupted, metric: noGradient, hook: 'z', over: 'layer-head' })).rejects.toThrow(
      /attributionPatching: the metric "mine" has no gradient \(PatchingMetric.gradient/,
    );
    await expect(attributionPatching({ model, clean, corrupted, metric, hook: 'attn_out', over: 'layer-head' })).rejects.toThrow(/over "layer-head" needs a per-head hook \(z, pattern, result\), not attn_out/);
    await expect(attributionPatching({ model, clean, corrupted, metric, hook: 'resid_pre', over: 'layer-neuron' })).rejects.toThrow(/over "layer-neuron" needs the MLP neurons, hook mlp_post/);
    await expect(attributionPatching({ model, clean, corrupted, metric, hook: 'q' as PatchHook, over: 'layer' })).rejects.toThrow(/unknown hook "q"; use one of resid_pre/);
    await expect(attributionPatching({ model, clean, corrupted, metric, hook: 'z', over: 'head' as PatchOver })).rejects.toThrow(/unknown over "head"/);
    await expect(attributionPatching({ model, clean: [[1, 2, 3]], corrupted: [[1, 2]], metric, hook: 'z', over: 'layer' })).rejects.toThrow(/pair 0: the clean prompt has 3 tokens but the corrupted one has 2/);
    await expect(attributionPatching({ model, clean, corrupted, metric, hook: 'z', over: 'layer', batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    const neox = randomModel(small('gpt-neox'), { seed: 1 });
    await expect(attributionPatching({ model: neox, clean, corrupted, metric, hook: 'resid_mid', over: 'layer' })).rejects.toThrow(/in parallel, so there is no resid_mid/);
  });
});
