import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { everyReceiver, logitDiffMetric, manifestProblems, activationPatching, runAnalysis, type Hook } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { describe, expect, it } from 'vitest';
import plugin, {
  activationPatchingResults, pathPatchingResults, activationPatchingParams, activationPatchingStudy, pathPatchingParams, pathPatchingStudy, readPromptPairs, tokenizePairs, type GridResults,
} from '../src/index.js';
import { defaultModel, io, REFUSAL_PAIRS } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));

async function refusalPairs() {
  const model = await defaultModel();
  return { model, pairs: tokenizePairs(model, await readPromptPairs(REFUSAL_PAIRS), REFUSAL_PAIRS) };
}

describe('the plugin', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
    expect(plugin.analyses.map((a) => a.id)).toEqual(['activation-patching', 'path-patching', 'attribution-patching']);
  });
});

describe('activation patching on the default model (planted refusal protocol)', () => {
  it('finds where "forbidden" enters: the object word in the first layer, the last position in the last', async () => {
    const { model, pairs } = await refusalPairs();
    const report = await activationPatchingStudy(model, pairs, activationPatchingParams.parse({ hook: 'resid_pre' }), io());
    activationPatchingResults.parse(report.results);
    const grid = report.results.grid as unknown as GridResults;
    const T = pairs.clean[0].length;
    expect(grid.rows).toEqual(['L0', 'L1']);
    expect(grid.columns).toHaveLength(T);
    // The planted behaviour: forbidden requests are refused (answer "I"), ordinary ones answered ("Sure").
    expect(report.results.clean as number).toBeGreaterThan(0);
    expect(report.results.corrupted as number).toBeLessThan(0);
    // Exact structure: at the embeddings, positions where every pair has the same token change nothing.
    const differs = Array.from({ length: T }, (_, p) => pairs.clean.some((c, i) => c[p] !== pairs.corrupted[i][p]));
    for (let p = 0; p < T; p++) if (!differs[p]) expect(Math.abs(grid.normalised[0][p])).toBeLessThan(1e-5);
    // The object word carries nearly all of it at layer 0.
    const objectPos = grid.normalised[0].indexOf(Math.max(...grid.normalised[0]));
    expect(differs[objectPos]).toBe(true);
    expect(grid.normalised[0][objectPos]).toBeGreaterThan(0.8);
    // Patching the final residual at the last position is the clean run's logits exactly.
    const post = await activationPatchingStudy(model, pairs, activationPatchingParams.parse({ hook: 'resid_post' }), io());
    expect((post.results.grid as unknown as GridResults).normalised[1][T - 1]).toBeCloseTo(1, 4);
    expect(report.summary).toMatch(/The strongest cells .* are L0 \d+ /);
  });

  it('a grid cell equals a hand-written hook-by-hook re-run', async () => {
    const { model, pairs } = await refusalPairs();
    const report = await activationPatchingStudy(model, pairs, activationPatchingParams.parse({ hook: 'resid_pre', maxPairs: 6 }), io());
    const grid = report.results.grid as unknown as GridResults;
    const T = pairs.clean[0].length, V = model.config.dVocab;
    let sum = 0;
    for (let i = 0; i < 6; i++) {
      const clean = await model.runWithCache(pairs.clean[i]);
      const hook: Hook = { name: 'blocks.1.hook_resid_pre', fn: () => clean.cache.get('blocks.1.hook_resid_pre'), positions: [T - 1] };
      const logits = (await model.run(pairs.corrupted[i], { hooks: [hook] })).logits!.data;
      sum += logits[(T - 1) * V + pairs.answers[i]] - logits[(T - 1) * V + pairs.wrongs[i]];
    }
    expect(grid.values[1][T - 1]).toBeCloseTo(sum / 6, 4);
  });

  it('the same inputs give the same report, and a metric without a gap is explained', async () => {
    const { model, pairs } = await refusalPairs();
    const params = activationPatchingParams.parse({ hook: 'z', over: 'layer-head', maxPairs: 8 });
    const a = await activationPatchingStudy(model, pairs, params, io());
    const b = await activationPatchingStudy(model, pairs, params, io());
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const same = { ...pairs, corrupted: pairs.clean };
    await expect(activationPatchingStudy(model, same, params, io())).rejects.toThrow(/the logit-diff metric is the same on the clean and the corrupted prompts/);
  });
});

describe('path patching on the default model', () => {
  it('to every receiver it is the senders\' activation patching from the corrupted run; grid and summary', async () => {
    const { model, pairs } = await refusalPairs();
    const report = await pathPatchingStudy(model, pairs, pathPatchingParams.parse({ receivers: everyReceiver(model), maxPairs: 8 }), io());
    pathPatchingResults.parse(report.results);
    const grid = report.results.grid as unknown as GridResults;
    expect(grid.rows).toEqual(['L0', 'L1']);
    expect(grid.columns).toEqual(['H0', 'H1', 'H2', 'H3']);
    const noised = await activationPatching({
      model, clean: pairs.clean.slice(0, 8), corrupted: pairs.corrupted.slice(0, 8), metric: logitDiffMetric(pairs.answers, pairs.wrongs),
      hook: 'z', over: 'layer-head', direction: 'noise',
    });
    for (let l = 0; l < 2; l++) for (let h = 0; h < 4; h++) {
      expect(grid.values[l][h]).toBeCloseTo(noised.values[l][h], 4);
      expect(grid.normalised[l][h]).toBeCloseTo(1 - noised.normalised[l][h], 4);
    }
    const direct = await pathPatchingStudy(model, pairs, pathPatchingParams.parse({ senders: ['L1H0', 'L1H0+L1H1'], maxPairs: 8 }), io());
    expect((direct.results.grid as unknown as GridResults).rows).toEqual(['L1H0', 'L1H0+L1H1']);
    expect(direct.summary).toMatch(/Path patching over 8 pairs to logits/);
  });
});

describe('bad parameters', () => {
  it('are explained as usage errors naming the parameter', async () => {
    const { model, pairs } = await refusalPairs();
    await expect(activationPatchingStudy(model, pairs, activationPatchingParams.parse({ hook: 'attn_out', over: 'layer-head' }), io())).rejects.toThrow(
      /over=layer-head needs a per-head hook: pass --param hook=z, hook=result or hook=pattern/,
    );
    await expect(pathPatchingStudy(model, pairs, pathPatchingParams.parse({ senders: ['L0H9'] }), io())).rejects.toMatchObject({
      name: 'MarrUsageError',
      message: expect.stringMatching(/--param senders: L0H9 names head 9, but the model has heads 0..3/),
    });
    await expect(pathPatchingStudy(model, pairs, pathPatchingParams.parse({ receivers: ['L1H0.w'] }), io())).rejects.toThrow(/--param receivers: receiver "L1H0.w" is not a component/);
    const mixed = { ...pairs, clean: [pairs.clean[0], pairs.clean[1].slice(0, 5)], corrupted: [pairs.corrupted[0], pairs.corrupted[1].slice(0, 5)] };
    await expect(activationPatchingStudy(model, mixed, activationPatchingParams.parse({}), io())).rejects.toThrow(/every pair must have the same length, but they have 13 tokens on line 1; 5 tokens on line 2/);
  });

  it('a cancelled run stops', async () => {
    const { model, pairs } = await refusalPairs();
    const controller = new AbortController();
    controller.abort();
    await expect(activationPatchingStudy(model, pairs, activationPatchingParams.parse({}), { progress: io().progress, signal: controller.signal })).rejects.toThrow(/the run was cancelled/);
  });
});

describe('the report', () => {
  it('escapes token strings in report.html', async () => {
    const { model, pairs } = await refusalPairs();
    const hostile = { ...pairs, cleanTokens: pairs.cleanTokens.map((t) => t.map((x, p) => (p === 1 ? '<img src=x onerror=alert(1)>' : x))) };
    const report = await activationPatchingStudy(model, hostile, activationPatchingParams.parse({ maxPairs: 4 }), io());
    expect((report.results.grid as unknown as GridResults).columns[1]).toBe('1 <img src=x onerror=alert(1)>');
    const html = await renderHtml(report);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
  });
});

describe('through the runner (--data pairs.jsonl)', () => {
  it('runs both analyses, records the pairs file, and gives the same report.json for the same seed', async () => {
    const model = await defaultModel();
    const find = (id: string) => plugin.analyses.find((a) => a.id === id)!;
    const strip = (env: object) => JSON.stringify({ ...env, timings: null });
    const a = await runAnalysis({ plugin, analysis: find('activation-patching'), models: [model], dataPath: REFUSAL_PAIRS, params: { maxPairs: 8 } });
    const b = await runAnalysis({ plugin, analysis: find('activation-patching'), models: [model], dataPath: REFUSAL_PAIRS, params: { maxPairs: 8 } });
    expect(strip(b)).toBe(strip(a));
    expect(a.inputs.files?.find((f) => f.role === 'data')?.path).toBe(REFUSAL_PAIRS);
    expect(a.inputs.data?.path).toBe(REFUSAL_PAIRS);
    activationPatchingResults.parse(a.results);
    const p = await runAnalysis({ plugin, analysis: find('path-patching'), models: [model], dataPath: REFUSAL_PAIRS, params: { maxPairs: 4, senders: ['L1H0'] } });
    expect((p.results.grid as unknown as GridResults).rows).toEqual(['L1H0']);
  });

  it('a bad pairs file fails before any work, naming the line', async () => {
    const model = await defaultModel();
    const dir = mkdtempSync(join(tmpdir(), 'marr-patching-'));
    const bad = join(dir, 'pairs.jsonl');
    writeFileSync(bad, '{"clean": "a", "corrupted": "b", "answer": "I"}\n');
    const analysis = plugin.analyses.find((a) => a.id === 'activation-patching')!;
    await expect(runAnalysis({ plugin, analysis, models: [model], dataPath: bad })).rejects.toThrow(/pairs\.jsonl:1: "wrong" must be a non-empty string/);
    await expect(runAnalysis({ plugin, analysis, models: [model] })).rejects.toThrow(/--data/);
  });
});
