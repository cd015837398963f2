import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { createRng, renderJson, reportJsonSchema, runAnalysis, validateReport, type ReportEnvelope } from '../../src/index.js';
import { plantedTrendCsv, trendAnalysis, trendPlugin } from '../analysis/fixtures/trend-plugin.js';

const publishedPath = new URL('../../../../docs/report.schema.json', import.meta.url);

describe('report.schema.json', () => {
  if (process.env.MARR_WRITE_SCHEMA === '1') writeFileSync(publishedPath, JSON.stringify(reportJsonSchema(), null, 2) + '\n');

  it('the published schema is the one generated from the zod schema (regenerate with MARR_WRITE_SCHEMA=1)', () => {
    expect(existsSync(publishedPath)).toBe(true);
    expect(JSON.parse(readFileSync(publishedPath, 'utf8'))).toEqual(reportJsonSchema());
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(publishedPath, 'utf8')));

  it('validates a real report.json and rejects broken ones (checked by ajv, independently of zod)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-schema-'));
    const csv = join(dir, 'trend.csv');
    writeFileSync(csv, plantedTrendCsv([{ a: 1, b: 2 }], 50, 0.1, createRng(1)));
    const env = await runAnalysis({ plugin: trendPlugin, analysis: trendAnalysis, dataPath: csv, params: { resamples: 5 }, seed: 1 });
    const json = JSON.parse(renderJson(env)) as ReportEnvelope;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);

    const broken: unknown[] = [
      { ...json, seed: 'one' },
      { ...json, schemaVersion: 2 },
      { ...json, analysis: { ...json.analysis, level: 'physical' } },
      { ...json, sections: [{ kind: 'chart', title: 'x' }] },
      { ...json, inputs: { ...json.inputs, data: { path: 'x', sha256: 'abc', bytes: 1 } } },
      (({ timings: _t, ...rest }) => rest)(json),
    ];
    for (const b of broken) expect(validate(b)).toBe(false);
  });

  it('zod rejects what JSON cannot carry faithfully', () => {
    expect(() => validateReport({ summary: 's', results: { x: Number.POSITIVE_INFINITY }, sections: [] })).toThrow(/results\.x/);
    expect(() =>
      validateReport({
        summary: 's',
        results: {},
        sections: [{ kind: 'figure', figure: { type: 'heatmap', title: 'h', x: { label: 'x' }, y: { label: 'y' }, xLabels: ['a'], yLabels: ['b', 'c'], values: [[1]] } }],
      }),
    ).toThrow(/heatmap values must be yLabels.length rows/);
  });
});
