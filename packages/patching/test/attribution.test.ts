import { activationPatching, logitDiffMetric, runAnalysis, type PatchHook, type PatchOver } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { describe, expect, it } from 'vitest';
import plugin, {
  attributionPatchingParams, attributionPatchingResults, attributionPatchingStudy, gridAgreement, pearson, ranks, readPromptPairs, spearman, tokenizePairs,
  type GridResults,
} from '../src/index.js';
import { defaultModel, io, REFUSAL_PAIRS } from './helpers.js';

async function refusalPairs() {
  const model = await defaultModel();
  return { model, pairs: tokenizePairs(model, await readPromptPairs(REFUSAL_PAIRS), REFUSAL_PAIRS) };
}

describe('correlations', () => {
  it('match their closed forms', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
    // Without ties Spearman is 1 - 6 Σ d² / (n (n² - 1)).
    const x = [0.3, -1.2, 4, 2.5, 0.9, -0.1], y = [1, 0, 2, 9, -3, 0.5];
    const rx = ranks(x), ry = ranks(y);
    const d2 = rx.reduce((s, r, i) => s + (r - ry[i]) ** 2, 0);
    expect(spearman(x, y)).toBeCloseTo(1 - (6 * d2) / (6 * 35), 12);
    // Ties share their average rank (scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]) = 0.9486832980505138).
    expect(ranks([1, 2, 2, 3])).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(0.9486832980505138, 12);
    const a = gridAgreement([[1, 2], [3, 5]], [[1, 2], [3, 4]]);
    expect(a).toMatchObject({ cells: 4, meanAbsoluteError: 0.25, maxAbsoluteError: 1 });
  });
});

describe('attribution patching on the default model (planted refusal protocol)', () => {
  // The grids and the thresholds of the README's findings (bench/attribution.mjs measures them on all 40 pairs:
  // z 0.967, mlp_post 0.963, attn_out 0.943). Spearman only where the cells are not mostly exact zeros,
  // whose order is noise (layer-position grids: every position before the object word is 0 in both).
  const grids: [PatchHook, PatchOver, number, number, number | null][] = [
    ['z', 'layer-head', 40, 0.93, 0.9],
    ['mlp_post', 'layer-neuron', 6, 0.9, 0.9],
    ['attn_out', 'layer-position', 40, 0.9, null],
  ];

  it.each(grids)('%s over %s (%s pairs) correlates with true activation patching of the same grid', async (hook, over, maxPairs, minPearson, minSpearman) => {
    const { model, pairs } = await refusalPairs();
    const report = await attributionPatchingStudy(model, pairs, attributionPatchingParams.parse({ hook, over, maxPairs }), io());
    attributionPatchingResults.parse(report.results);
    const r = report.results as unknown as { grid: GridResults; activation: GridResults; correlation: { pearson: number; spearman: number; cells: number } };
    expect(r.correlation.pearson).toBeGreaterThan(minPearson);
    if (minSpearman !== null) expect(r.correlation.spearman).toBeGreaterThan(minSpearman);
    expect(r.correlation.cells).toBe(r.grid.rows.length * r.grid.columns.length);
    // The comparison grid is core's activationPatching, whose cells its own tests check against hand-written re-runs.
    const first = (xs: readonly number[][]) => xs.slice(0, maxPairs);
    const truth = await activationPatching({ model, clean: first(pairs.clean), corrupted: first(pairs.corrupted), metric: logitDiffMetric(pairs.answers, pairs.wrongs), hook, over });
    expect(r.activation.values).toEqual(truth.values);
    // The planted behaviour: forbidden requests are refused (answer "I"), ordinary ones answered ("Sure").
    expect(report.results.clean as number).toBeGreaterThan(0);
    expect(report.results.corrupted as number).toBeLessThan(0);
    expect(report.summary).toMatch(/agree with Pearson r = 0\.\d{3} \(Spearman ρ = -?[01]\.\d{3}\) over \d+ cells/);
  });

  it('at the embeddings, positions where every pair has the same token get exactly zero attribution', async () => {
    const { model, pairs } = await refusalPairs();
    const report = await attributionPatchingStudy(model, pairs, attributionPatchingParams.parse({ hook: 'resid_pre', over: 'layer-position', compare: false }), io());
    const r = report.results as unknown as { attribution: number[][]; activation: null; correlation: null; passes: { activation: null } };
    expect(r.activation).toBeNull();
    expect(r.correlation).toBeNull();
    expect(r.passes.activation).toBeNull();
    const T = pairs.clean[0].length;
    for (let p = 0; p < T; p++) {
      if (pairs.clean.every((c, i) => c[p] === pairs.corrupted[i][p])) expect(r.attribution[0][p]).toBe(0);
      else expect(r.attribution[0][p]).not.toBe(0);
    }
    expect(report.sections.some((s) => s.kind === 'figure' && s.figure.type === 'scatter')).toBe(false);
  });
});

describe('bad parameters', () => {
  it('are explained as usage errors naming the parameter and the fix', async () => {
    const { model, pairs } = await refusalPairs();
    await expect(attributionPatchingStudy(model, pairs, attributionPatchingParams.parse({ hook: 'attn_out', over: 'layer-head' }), io())).rejects.toMatchObject({
      name: 'MarrUsageError',
      message: expect.stringMatching(/over=layer-head needs a per-head hook: pass --param hook=z, hook=result or hook=pattern \(got hook=attn_out\)/),
    });
    await expect(attributionPatchingStudy(model, pairs, attributionPatchingParams.parse({ hook: 'z', over: 'layer-neuron' }), io())).rejects.toThrow(
      /over=layer-neuron is per MLP neuron: pass --param hook=mlp_post \(got hook=z\)/,
    );
    const mixed = { ...pairs, clean: [pairs.clean[0], pairs.clean[1].slice(0, 5)], corrupted: [pairs.corrupted[0], pairs.corrupted[1].slice(0, 5)] };
    await expect(attributionPatchingStudy(model, mixed, attributionPatchingParams.parse({ hook: 'z', over: 'layer-position' }), io())).rejects.toThrow(/every pair must have the same length/);
    expect(() => attributionPatchingParams.parse({ compare: 'yes' })).toThrow();
    const same = { ...pairs, corrupted: pairs.clean };
    await expect(attributionPatchingStudy(model, same, attributionPatchingParams.parse({ maxPairs: 4 }), io())).rejects.toThrow(/the logit-diff metric is the same on the clean and the corrupted prompts/);
  });

  it('a cancelled run stops', async () => {
    const { model, pairs } = await refusalPairs();
    const controller = new AbortController();
    controller.abort();
    await expect(attributionPatchingStudy(model, pairs, attributionPatchingParams.parse({}), { progress: io().progress, signal: controller.signal })).rejects.toThrow(/the run was cancelled/);
  });
});

describe('the report', () => {
  it('escapes token strings in report.html and shows both grids, the scatter and the correlation', async () => {
    const { model, pairs } = await refusalPairs();
    const hostile = { ...pairs, cleanTokens: pairs.cleanTokens.map((t) => t.map((x, p) => (p === 1 ? '<img src=x onerror=alert(1)>' : x))) };
    const report = await attributionPatchingStudy(model, hostile, attributionPatchingParams.parse({ hook: 'resid_post', over: 'layer-position', maxPairs: 4 }), io());
    expect((report.results.grid as unknown as GridResults).columns[1]).toBe('1 <img src=x onerror=alert(1)>');
    const html = await renderHtml(report);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
    expect(html).toContain('Attribution patching (left) and activation patching (right)');
    expect(html).toContain('Attribution vs activation patching, one point per cell');
    expect(html).toContain('Pearson');
  });
});

describe('through the runner (--data pairs.jsonl)', () => {
  it('the same seed gives the same report.json apart from timings, which time both methods', async () => {
    const model = await defaultModel();
    const analysis = plugin.analyses.find((a) => a.id === 'attribution-patching')!;
    const strip = (env: object) => JSON.stringify({ ...env, timings: null });
    const a = await runAnalysis({ plugin, analysis, models: [model], dataPath: REFUSAL_PAIRS, params: { maxPairs: 8 } });
    const b = await runAnalysis({ plugin, analysis, models: [model], dataPath: REFUSAL_PAIRS, params: { maxPairs: 8 } });
    expect(strip(b)).toBe(strip(a));
    attributionPatchingResults.parse(a.results);
    expect(Object.keys(a.timings.phases)).toEqual(expect.arrayContaining(['part:attribution', 'part:activation-patching']));
    expect(a.results.passes).toEqual({ attribution: { forward: 2, backward: 1 }, activation: { forward: 10, backward: 0 } });
    expect(a.inputs.files?.find((f) => f.role === 'data')?.path).toBe(REFUSAL_PAIRS);
  });
});
