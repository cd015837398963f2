import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestProblems, runAnalysis, tokenWindows, type AnyAnalysis } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin, { layerInterventionSweep, logitLens } from '../src/index.js';
import { model } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const text =
  'once upon a time there was a little dog. the dog liked to run in the park, and he ran and ran.\n\n' +
  'one day, a girl saw the dog. she gave him a ball. they played all day, and then they went home to sleep.\n\n' +
  'the sun was warm and the sky was blue. the little dog was happy, and so was the girl.';
const dir = mkdtempSync(join(tmpdir(), 'marr-lr-'));
const dataPath = join(dir, 'stories.txt');
writeFileSync(dataPath, text);
const params = { contextLength: 16, maxTokens: 160 };
const find = (id: string) => plugin.analyses.find((a) => a.id === id) as AnyAnalysis;

describe('the plugin', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
    expect(plugin.analyses.map((a) => a.id)).toEqual(['layer-robustness', 'logit-lens', 'attention-locality', 'prediction-neurons', 'stages']);
  });

  it('layer-robustness reports results.deletion and results.swap indexed by layer, equal to the sweep on the same windows', async () => {
    const m = model('llama', 11, 3);
    const env = await runAnalysis({ plugin, analysis: find('layer-robustness'), models: [m], dataPath, params });
    const deletion = env.results.deletion as Record<string, unknown>[];
    const swap = env.results.swap as Record<string, unknown>[];
    expect(deletion.map((r) => r.layer)).toEqual([0, 1, 2]);
    expect(swap.map((r) => r.layer)).toEqual([0, 1]);
    for (const r of [...deletion, ...swap]) {
      for (const key of ['kl', 'crossEntropy', 'crossEntropyOriginal', 'entropy', 'accuracy', 'accuracyOriginal', 'agreement']) expect(typeof r[key]).toBe('number');
      expect(r.accuracyRetention === null || typeof r.accuracyRetention === 'number').toBe(true);
    }
    const windows = tokenWindows(text.split('\n\n'), m.tokenizer!, params);
    expect(env.results.windows).toBe(windows.length);
    const direct = await layerInterventionSweep(m, windows);
    expect(deletion[1].kl).toBeCloseTo(direct.deletion[1].kl, 10);
    expect(swap[0].crossEntropy).toBeCloseTo(direct.swap[0].crossEntropy, 10);
    expect(env.sections.some((s) => s.kind === 'figure')).toBe(true);
  });

  it('logit-lens, attention-locality and prediction-neurons produce valid reports', async () => {
    const m = model('gpt2', 12, 3);
    const lens = await runAnalysis({ plugin, analysis: find('logit-lens'), models: [m], dataPath, params });
    const layers = lens.results.layers as { entropy: number; relativeDepth: number }[];
    expect(layers.map((l) => l.relativeDepth)).toEqual([0, 0.5, 1]);
    const windows = tokenWindows(text.split('\n\n'), m.tokenizer!, params);
    expect(layers[1].entropy).toBeCloseTo((await logitLens(m, windows))[1].entropy, 10);
    const loc = await runAnalysis({ plugin, analysis: find('attention-locality'), models: [m], dataPath, params: { ...params, maxOffset: 3 } });
    expect((loc.results.layers as { byOffset: number[] }[])[0].byOffset).toHaveLength(3);
    const neurons = await runAnalysis({ plugin, analysis: find('prediction-neurons'), models: [m], params: { kurtosisThreshold: 5 } });
    expect(neurons.results.thresholds).toEqual({ kurtosis: 5, skew: 0 });
    expect(neurons.results.layers as unknown[]).toHaveLength(3);
  });

  it('stages puts the four measurements in one report and marks evidence for each stage', async () => {
    const m = model('llama', 13, 4);
    const env = await runAnalysis({ plugin, analysis: find('stages'), models: [m], dataPath, params });
    const stages = new Set((env.results.evidence as { stage: string }[]).map((e) => e.stage));
    expect([...stages].sort()).toEqual(['detokenization', 'feature engineering', 'prediction ensembling', 'residual sharpening']);
    for (const key of ['deletion', 'swap', 'logitLens', 'attentionLocality', 'predictionNeurons']) expect(Array.isArray(env.results[key])).toBe(true);
    const cka = env.results.cka as { labels: string[]; matrix: number[][] };
    expect(cka.labels).toHaveLength(5);
    expect(cka.matrix[2][2]).toBe(1);
    const overview = env.sections[0];
    expect(overview.kind === 'figure' && overview.figure.type === 'line' && (overview.figure.marks ?? []).length).toBeGreaterThan(0);
  });

  it('stages runs its parts through ctx.run: their results equal the stand-alone analyses, batchWindows is honoured and every part shows progress', async () => {
    const m = model('gpt2', 14, 3);
    const phases: { label: string; total: number; ticks: number }[] = [];
    const progress = {
      start: (label: string, total: number) => void phases.push({ label, total, ticks: 0 }),
      tick: (n = 1) => void (phases[phases.length - 1].ticks += n),
      done() {},
    };
    const env = await runAnalysis({ plugin, analysis: find('stages'), models: [m], dataPath, params: { ...params, batchWindows: 1, ckaSamples: 16 }, progress });
    const windows = tokenWindows(text.split('\n\n'), m.tokenizer!, params).length;
    expect(phases.map((p) => p.label)).toEqual(['layer interventions', 'logit lens', 'attention locality', 'residual CKA']);
    // One batch per window with batchWindows=1: 1 + 3 deletions + 2 swaps runs, 1 + 3 lens runs, 1 locality run per batch.
    expect(phases.slice(0, 3).map((p) => p.total)).toEqual([windows * 6, windows * 4, windows]);
    for (const p of phases) expect(p.ticks).toBe(p.total);
    const alone = async (id: string, extra: Record<string, unknown> = {}) =>
      (await runAnalysis({ plugin, analysis: find(id), models: [m], dataPath: id === 'prediction-neurons' ? undefined : dataPath, params: { ...params, ...extra } })).results;
    const lr = await alone('layer-robustness');
    expect(env.results.deletion).toEqual(lr.deletion);
    expect(env.results.swap).toEqual(lr.swap);
    expect(env.results.logitLens).toEqual((await alone('logit-lens')).layers);
    expect(env.results.attentionLocality).toEqual((await alone('attention-locality')).layers);
    const neurons = await runAnalysis({ plugin, analysis: find('prediction-neurons'), models: [m] });
    expect(env.results.predictionNeurons).toEqual(neurons.results.layers);
  });

  it('explains bad input: context longer than the model, too little text, missing data', async () => {
    const m = model('llama', 11, 2);
    await expect(runAnalysis({ plugin, analysis: find('layer-robustness'), models: [m], dataPath, params: { contextLength: 100 } })).rejects.toThrow(
      /contextLength 100 exceeds the model's context of 64 tokens; pass --param contextLength=64 or less/,
    );
    const tiny = join(dir, 'tiny.txt');
    writeFileSync(tiny, 'a dog.');
    await expect(runAnalysis({ plugin, analysis: find('layer-robustness'), models: [m], dataPath: tiny, params })).rejects.toThrow(/gave no full window of 16 tokens/);
    await expect(runAnalysis({ plugin, analysis: find('layer-robustness'), models: [m], params })).rejects.toThrow(/no --data was given/);
    await expect(runAnalysis({ plugin, analysis: find('layer-robustness'), models: [m], dataPath, params: { contextLength: 2 } })).rejects.toThrow(/contextLength/);
  });

  it('without contextLength, windows are 128 tokens or the model context when that is shorter', async () => {
    const m = model('llama', 11, 2); // context 64
    const env = await runAnalysis({ plugin, analysis: find('logit-lens'), models: [m], dataPath, params: { maxTokens: 256 } });
    expect(env.params.contextLength).toBeUndefined();
    // 256 tokens in windows of 64: 4 windows, 62 scored positions each (first and last excluded).
    expect((env.results.layers as { tokens: number }[])[0].tokens).toBe(4 * 62);
  });
});
