import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  analysisReportJsonSchema,
  createRng,
  defineAnalysis,
  definePlugin,
  PLUGIN_API_VERSION,
  renderJson,
  resultsJsonSchema,
  runAnalysis,
  type TableDataset,
} from '../../src/index.js';
import { leastSquaresSlope, plantedTrendCsv } from './fixtures/trend-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-composite-'));
const csv = join(dir, 'trend.csv');
writeFileSync(csv, plantedTrendCsv([{ a: 1, b: 2 }, { a: 0, b: -3 }], 200, 0.01, createRng(2)));

const slopeResults = z.object({ slopes: z.record(z.string(), z.number()), scale: z.number() });
const slopes = defineAnalysis({
  id: 'slopes',
  title: 'Slopes',
  level: 'computational',
  summary: 'Least-squares slope of each series, times a scale',
  inputs: { data: { kind: 'timeseries', required: true, description: 'a time series' } },
  params: z.object({ scale: z.number().default(1).describe('multiplies every slope') }),
  results: slopeResults,
  async run(ctx) {
    const d = ctx.data as TableDataset;
    const t = d.numeric[d.timeColumn!];
    const out: Record<string, number> = {};
    ctx.progress.start('slopes', 1);
    for (const c of d.columns.filter((c) => c !== d.timeColumn)) out[c] = ctx.params.scale * leastSquaresSlope(t, d.numeric[c])[1];
    ctx.progress.done();
    return { summary: 'slopes', results: { slopes: out, scale: ctx.params.scale }, sections: [] };
  },
});

const composite = defineAnalysis({
  id: 'slope-ratio',
  title: 'Slope ratio',
  level: 'computational',
  summary: 'Runs slopes twice through ctx.run and divides',
  inputs: { data: { kind: 'timeseries', required: true, description: 'a time series' } },
  params: z.object({}),
  results: z.object({ ratio: z.number() }),
  async run(ctx) {
    const one = await ctx.run(slopes);
    const three = await ctx.run(slopes, { scale: 3 });
    expectTypeOf(one.results.slopes).toEqualTypeOf<Record<string, number>>();
    return { summary: 'ratio', results: { ratio: three.results.slopes.y0 / one.results.slopes.y0 }, sections: [] };
  },
});

const broken = defineAnalysis({
  id: 'broken-results',
  title: 'Broken',
  level: 'computational',
  summary: 'Returns results that do not match its schema',
  inputs: {},
  params: z.object({}),
  results: z.object({ count: z.number().int() }),
  async run() {
    return { summary: 'x', results: { count: 'three' }, sections: [] };
  },
});

const plugin = definePlugin({ name: 'p', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, analyses: [slopes, composite, broken] });

describe('composite analyses and results schemas', () => {
  it('ctx.run runs a part with its own validated parameters, this run\'s data and progress, and typed results', async () => {
    const events: string[] = [];
    const env = await runAnalysis({
      plugin,
      analysis: composite,
      dataPath: csv,
      progress: { start: (l) => events.push(`start ${l}`), tick() {}, done: () => events.push('done') },
    });
    expect(env.results.ratio).toBeCloseTo(3, 10);
    expect(events).toEqual(['start slopes', 'done', 'start slopes', 'done']);
    expect(Object.keys(env.timings.phases)).toContain('part:slopes');
  });

  it('a part with bad parameters fails with the usage error of its parameter', async () => {
    const bad = defineAnalysis({ ...composite, id: 'bad-part', async run(ctx) { await ctx.run(slopes, { scale: 'big' }); return { summary: '', results: { ratio: 1 }, sections: [] }; } });
    await expect(runAnalysis({ plugin, analysis: bad, dataPath: csv })).rejects.toThrow(/scale/);
  });

  it('the runner rejects results that do not match the declared schema, naming the field', async () => {
    await expect(runAnalysis({ plugin, analysis: broken })).rejects.toThrow(/the results returned by broken-results is not a valid marr report:\n {2}- results\.count: /);
  });

  it('publishes each analysis\'s results in its report JSON schema, which a real report satisfies and a wrong one fails (ajv)', async () => {
    expect(resultsJsonSchema(slopes)).toMatchObject({ type: 'object', required: ['slopes', 'scale'] });
    expect(resultsJsonSchema({})).toBeNull();
    const validate = new Ajv2020({ strict: false }).compile(analysisReportJsonSchema(slopes));
    const env = JSON.parse(renderJson(await runAnalysis({ plugin, analysis: slopes, dataPath: csv })));
    expect(validate(env), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...env, results: { slopes: { y0: 'steep' }, scale: 1 } })).toBe(false);
  });
});
