import { type Architecture, type Float32Tensor, type HookedTransformer } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { deletionSchedule, layerInterventionSweep, meanWithStderr, runFromResidual, swapSchedule, type InterventionMetrics } from '../src/index.js';
import { model, naiveMetrics, windows, zerosLike, type NaiveMetrics } from './helpers.js';

function expectClose(actual: InterventionMetrics, expected: NaiveMetrics, tol = 2e-5): void {
  for (const key of ['kl', 'crossEntropy', 'crossEntropyOriginal', 'entropy', 'entropyOriginal', 'accuracy', 'accuracyOriginal', 'agreement'] as const) {
    expect(actual[key], key).toBeCloseTo(expected[key], -Math.log10(tol));
  }
}

/** The model with blocks a and b exchanged by copying weights (the paper's method). */
function exchanged(m: HookedTransformer, arch: Architecture, a: number, b: number): HookedTransformer {
  const copy = model(arch);
  for (const name of copy.weightNames()) {
    const match = /^blocks\.(\d+)\.(.*)$/.exec(name);
    if (!match || Number(match[1]) !== a) continue;
    const other = `blocks.${b}.${match[2]}`;
    const wa = m.getWeight(name), wb = m.getWeight(other);
    copy.setWeight(name, { ...wb, data: wb.data.slice() });
    copy.setWeight(other, { ...wa, data: wa.data.slice() });
  }
  return copy;
}

describe.each(['gpt2', 'llama', 'gpt-neox'] as Architecture[])('layer intervention sweep (%s)', (arch) => {
  const m = model(arch);
  const L = m.config.nLayers;
  const toks = windows(3, 10, m.config.dVocab);

  it('deletion metrics equal an independent computation on a run with the block outputs zeroed by hooks', async () => {
    const sweep = await layerInterventionSweep(m, toks, { batchWindows: 2 });
    const orig = (await m.run(toks)).logits!;
    expect(sweep.deletion).toHaveLength(L);
    expect(sweep.tokens).toBe(3 * 8);
    for (let l = 0; l < L; l++) {
      const zero = (t: Float32Tensor) => zerosLike(t);
      const viaHooks = await m.run(toks, { hooks: [{ name: `blocks.${l}.hook_attn_out`, fn: zero }, { name: `blocks.${l}.hook_mlp_out`, fn: zero }] });
      const naive = naiveMetrics(orig, viaHooks.logits!, toks);
      expectClose(sweep.deletion[l], naive);
      expect(sweep.deletion[l].layer).toBe(l);
      expect(sweep.deletion[l].stderr.kl).toBeCloseTo(meanWithStderr(naive.klValues).stderr, 5);
      expect(sweep.deletion[l].kl).toBeGreaterThan(0);
    }
  });

  it('swap metrics equal an independent computation on a model with the two blocks\' weights exchanged', async () => {
    const sweep = await layerInterventionSweep(m, toks, { batchWindows: 2, interventions: ['swap'] });
    expect(sweep.deletion).toEqual([]);
    expect(sweep.swap).toHaveLength(L - 1);
    const orig = (await m.run(toks)).logits!;
    for (let l = 0; l < L - 1; l++) {
      const swapped = exchanged(m, arch, l, l + 1);
      const naive = naiveMetrics(orig, (await swapped.run(toks)).logits!, toks);
      expectClose(sweep.swap[l], naive);
    }
  });

  it('resuming from cached residuals gives the same numbers as rerunning every intervened model', async () => {
    const fast = await layerInterventionSweep(m, toks);
    const slow = await layerInterventionSweep(m, toks, { resumeFromCache: false, batchWindows: 1 });
    for (const kind of ['deletion', 'swap'] as const) {
      fast[kind].forEach((r, l) => {
        expect(r.kl).toBeCloseTo(slow[kind][l].kl, 6);
        expect(r.crossEntropy).toBeCloseTo(slow[kind][l].crossEntropy, 5);
        expect(r.agreement).toBe(slow[kind][l].agreement);
      });
    }
  });

  it('runFromResidual with an empty schedule reads a residual out exactly as the model does', async () => {
    const full = await m.run(toks, { cache: ['blocks.2.hook_resid_post'] });
    const truncated = await m.run(toks, { schedule: [0, 1, 2] });
    const lens = await runFromResidual(m, toks, full.cache.get('blocks.2.hook_resid_post'), []);
    expect(Math.max(...lens.logits!.data.map((v, i) => Math.abs(v - truncated.logits!.data[i])))).toBeLessThan(1e-5);
    await expect(runFromResidual(m, toks, zerosLike(full.logits!), [])).rejects.toThrow(/residual must have shape \[3, 10, 32\]/);
  });
});

describe('planted ground truth', () => {
  it('a block whose outputs are zero by construction is free to delete; a live one is not', async () => {
    const m = model('gpt2', 7, 4);
    for (const name of ['blocks.2.attn.W_O', 'blocks.2.attn.b_O', 'blocks.2.mlp.W_out', 'blocks.2.mlp.b_out']) m.setWeight(name, zerosLike(m.getWeight(name)));
    const toks = windows(4, 12, m.config.dVocab, 9);
    const sweep = await layerInterventionSweep(m, toks);
    const dead = sweep.deletion[2];
    expect(Math.abs(dead.kl)).toBeLessThan(1e-9);
    expect(dead.agreement).toBe(1);
    expect(dead.accuracy).toBe(dead.accuracyOriginal);
    expect(dead.crossEntropy).toBeCloseTo(dead.crossEntropyOriginal, 9);
    for (const l of [0, 1, 3]) expect(sweep.deletion[l].kl).toBeGreaterThan(1e-4);
  });
});

describe('schedules and input checks', () => {
  it('builds deletion and swap schedules and rejects out-of-range layers', () => {
    expect(deletionSchedule(5, 0)).toEqual([1, 2, 3, 4]);
    expect(deletionSchedule(5, 3)).toEqual([0, 1, 2, 4]);
    expect(swapSchedule(5, 3)).toEqual([0, 1, 2, 4, 3]);
    expect(() => swapSchedule(5, 4)).toThrow(/layer must be an integer in \[0, 3\]/);
    expect(() => deletionSchedule(5, -1)).toThrow(/\[0, 4\]/);
  });

  it('refuses windows of different lengths or too short to score', async () => {
    const m = model('llama', 1, 2);
    await expect(layerInterventionSweep(m, [[1, 3, 4, 5], [1, 3, 4]])).rejects.toThrow(/same length/);
    await expect(layerInterventionSweep(m, [[1, 3]])).rejects.toThrow(/at least 3 tokens/);
    await expect(layerInterventionSweep(m, [])).rejects.toThrow(/no token windows/);
  });
});
