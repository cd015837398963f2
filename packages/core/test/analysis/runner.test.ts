import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createRng,
  defineAnalysis,
  definePlugin,
  MARR_VERSION,
  MarrUsageError,
  renderJson,
  runAnalysis,
  type HookedTransformer,
} from '../../src/index.js';
import { leastSquaresSlope, plantedTrendCsv, trendAnalysis, trendPlugin } from './fixtures/trend-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-runner-'));
const csvPath = join(dir, 'trend.csv');
const planted = [{ a: 2, b: 3 }, { a: -1, b: -0.5 }];
writeFileSync(csvPath, plantedTrendCsv(planted, 400, 0.05, createRng(7)));
const corePackageVersion = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

function withoutTimings(json: string): string {
  const value = JSON.parse(json);
  delete value.timings;
  return JSON.stringify(value);
}

describe('runAnalysis', () => {
  it('recovers planted slopes and records what is needed to reproduce the run', async () => {
    const env = await runAnalysis({ plugin: trendPlugin, analysis: trendAnalysis, dataPath: csvPath, params: { resamples: 20 }, seed: 3 });
    const results = env.results as Record<string, { slope: number; intercept: number; stderr: number }>;
    expect(results.y0.slope).toBeCloseTo(3, 2);
    expect(results.y1.slope).toBeCloseTo(-0.5, 2);
    expect(results.y0.intercept).toBeCloseTo(2, 1);
    // The bootstrap standard error of an OLS slope is close to the closed form sigma / sqrt(sum (t - mean t)^2).
    const t = Array.from({ length: 400 }, (_, i) => i * 0.1);
    const mt = t.reduce((a, b) => a + b) / t.length;
    const closedForm = 0.05 / Math.sqrt(t.reduce((a, v) => a + (v - mt) ** 2, 0));
    expect(results.y0.stderr / closedForm).toBeGreaterThan(0.5);
    expect(results.y0.stderr / closedForm).toBeLessThan(1.6);

    expect(env.analysis).toEqual({ id: 'linear-trend', title: 'Linear trend', level: 'computational', plugin: 'trend-plugin', pluginVersion: '1.2.3' });
    expect(env.marrVersion).toBe(corePackageVersion);
    expect(MARR_VERSION).toBe(corePackageVersion);
    expect(env.params).toEqual({ resamples: 20 });
    expect(env.seed).toBe(3);
    const bytes = readFileSync(csvPath);
    expect(env.inputs.data).toEqual({ path: csvPath, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length });
    expect(env.inputs.models).toEqual([]);
    expect(env.inputs.files).toEqual([{ role: 'data', ...env.inputs.data }]);
    expect(env.timings.phases.analysis).toBeGreaterThanOrEqual(0);
    expect(Object.keys(env)).toEqual(['schemaVersion', 'analysis', 'marrVersion', 'seed', 'params', 'inputs', 'summary', 'results', 'sections', 'timings']);
  });

  it('gives byte-identical report.json apart from timings for the same seed, and a different one for another seed', async () => {
    const run = (seed: number) => runAnalysis({ plugin: trendPlugin, analysis: trendAnalysis, dataPath: csvPath, params: { resamples: 10 }, seed });
    const [a, b, c] = await Promise.all([run(11), run(11), run(12)]);
    expect(withoutTimings(renderJson(a))).toBe(withoutTimings(renderJson(b)));
    expect(withoutTimings(renderJson(a))).not.toBe(withoutTimings(renderJson(c)));
    // The fitted slopes do not depend on the seed; only the bootstrap does.
    const slope = leastSquaresSlope(
      Array.from({ length: 400 }, (_, i) => i * 0.1),
      readFileSync(csvPath, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[1])),
    )[1];
    expect((a.results.y0 as { slope: number }).slope).toBeCloseTo(slope, 12);
  });

  it('reports every user error before loading anything', async () => {
    let loads = 0;
    const loadModel = async (): Promise<HookedTransformer> => {
      loads++;
      throw new Error('should not load');
    };
    const base = { plugin: trendPlugin, analysis: trendAnalysis, loadModel };
    await expect(runAnalysis({ ...base, dataPath: csvPath, params: { resamples: 1 } })).rejects.toThrow(/resamples = 1/);
    await expect(runAnalysis({ ...base, dataPath: csvPath, params: { nope: 1 } })).rejects.toThrow(/unknown parameter "nope"[\s\S]*resamples: integer in \[2, 10000\] default 50/);
    await expect(runAnalysis({ ...base })).rejects.toThrow(/linear-trend needs a timeseries dataset.*no --data was given/);
    await expect(runAnalysis({ ...base, dataPath: join(dir, 'missing.csv') })).rejects.toThrow(/data file ".*missing.csv" does not exist/);
    await expect(runAnalysis({ ...base, dataPath: csvPath, modelSpecs: ['m'] })).rejects.toThrow(/1 --model were given; remove/);
    await expect(runAnalysis({ ...base, dataPath: csvPath, seed: -1 })).rejects.toThrow(/--seed must be a non-negative integer/);
    await expect(runAnalysis({ ...base, dataPath: csvPath, seed: 1.5 })).rejects.toBeInstanceOf(MarrUsageError);
    expect(loads).toBe(0);
  });

  it('stops when the abort signal fires', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runAnalysis({ plugin: trendPlugin, analysis: trendAnalysis, dataPath: csvPath, signal: controller.signal }),
    ).rejects.toThrow(/cancelled/);
  });

  it('rejects a report with non-finite numbers or inconsistent shapes, naming the field', async () => {
    const bad = defineAnalysis({
      id: 'bad-report',
      title: 'Bad',
      level: 'algorithmic',
      summary: 'returns a broken report',
      inputs: {},
      params: z.object({}),
      run: async () => ({
        summary: 'x',
        results: {},
        sections: [
          { kind: 'scalars', title: 's', items: [{ name: 'a', value: Number.NaN }] },
          { kind: 'artifact', name: 'm', shape: [2, 2], data: [1, 2, 3] },
        ],
      }),
    });
    const plugin = definePlugin({ name: 'bad', version: '0.0.0', apiVersion: 1, analyses: [bad] });
    await expect(runAnalysis({ plugin, analysis: bad })).rejects.toThrow(/sections\.0\.items\.0\.value[\s\S]*sections\.1: artifact data length/);
  });

  it('loads models through the given loader and checks their capabilities before running', async () => {
    const needsModel = defineAnalysis({
      id: 'needs-mlp',
      title: 'Needs an MLP hook',
      level: 'implementational',
      summary: 'needs blocks.*.mlp.hook_post and a tokenizer',
      inputs: { models: { min: 1, max: 1 }, hookPoints: ['blocks.*.mlp.hook_post'], capabilities: ['tokenizer'] },
      params: z.object({}),
      run: async () => {
        throw new Error('must not run');
      },
    });
    const plugin = definePlugin({ name: 'p', version: '0.0.0', apiVersion: 1, analyses: [needsModel] });
    let disposed = 0;
    // A minimal HookedTransformer: only what the capability check reads is meaningful.
    const model = {
      tokenizer: null,
      source: { spec: 'tiny', format: 'random', files: [] },
      hookPoints: () => ['hook_embed', 'blocks.0.attn.hook_pattern'],
      dispose: async () => {
        disposed++;
      },
    } as unknown as HookedTransformer;
    const err = await runAnalysis({ plugin, analysis: needsModel, modelSpecs: ['tiny'], loadModel: async () => model }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(MarrUsageError);
    expect((err as Error).message).toContain('model 1 (tiny) has no tokenizer; pass one with --tokenizer <path>');
    expect((err as Error).message).toContain('model 1 (tiny) has no hook point matching "blocks.*.mlp.hook_post"');
    expect(disposed).toBe(1);
    await expect(runAnalysis({ plugin, analysis: needsModel })).rejects.toThrow(/needs-mlp needs 1 model \(--model\) with a tokenizer, hook point blocks.\*.mlp.hook_post, but no --model was given/);
  });
});
