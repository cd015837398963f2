import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineAnalysis,
  definePlugin,
  describeInputs,
  describeNamedInputs,
  jsonlKind,
  parseInputAssignments,
  PLUGIN_API_VERSION,
  renderJson,
  runAnalysis,
  type LabelledText,
  type ModelFolder,
  type PromptSet,
  type TableDataset,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-inputs-'));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const sha = (path: string) => {
  const bytes = readFileSync(path);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
};

// A kind defined by a "plugin": JSON Lines of {x, y} points, each line checked by zod.
const pointsKind = jsonlKind({
  id: 'points',
  description: 'JSON Lines of {"x": number, "y": number}',
  line: z.object({ x: z.number(), y: z.number() }),
  example: '{"x": 1, "y": 2}',
});

const table = write('weights.csv', 'w\n2\n3\n');
const points = write('points.jsonl', '{"x": 1, "y": 2}\n\n{"x": 3, "y": 4}\n');
const labelled = write('labels.jsonl', '{"text": "ja", "label": "de"}\n{"text": "yes", "label": "en"}\n');
const en = write('en.txt', 'hello there\nhow are you\n');
const de = write('de.txt', 'guten tag\n');
const folder = join(dir, 'model');
mkdirSync(join(folder, 'sub'), { recursive: true });
writeFileSync(join(folder, 'config.json'), '{}');
writeFileSync(join(folder, 'sub', 'weights.bin'), 'abc');

const analysis = defineAnalysis({
  id: 'weighted-points',
  title: 'Weighted points',
  level: 'computational',
  summary: 'Sums w * y over points, counts prompts per class',
  inputs: {
    files: {
      points: { kind: pointsKind, required: true, description: 'the points' },
      weights: { kind: 'table', description: 'a table with a w column' },
      labels: { kind: 'labelled-jsonl', description: 'labelled texts' },
      prompts: { kind: 'prompt-set', labelled: true, min: 2, description: 'one file of prompts per class' },
      folder: { kind: 'model-folder', description: 'a folder' },
    },
  },
  params: z.object({ extra: z.string().default('').describe('a legacy path parameter') }),
  async run(ctx) {
    const pts = ctx.inputs.points[0].value as { x: number; y: number }[];
    const w = ctx.inputs.weights.length ? (ctx.inputs.weights[0].value as TableDataset).numeric.w : Float64Array.of(1);
    const legacy = ctx.params.extra ? await ctx.loadInput('weights', ctx.params.extra) : null;
    const perClass: Record<string, number> = {};
    for (const f of ctx.inputs.prompts) for (const p of (f.value as PromptSet).prompts) perClass[p.label!] = (perClass[p.label!] ?? 0) + 1;
    return {
      summary: 'done',
      results: {
        sum: pts.reduce((a, p) => a + w[0] * p.y, 0),
        labels: (ctx.inputs.labels[0]?.value as LabelledText[] | undefined)?.map((l) => String(l.label)) ?? [],
        perClass,
        folderFiles: (ctx.inputs.folder[0]?.value as ModelFolder | undefined)?.files ?? [],
        legacyRows: legacy ? (legacy.value as TableDataset).rowCount : 0,
      },
      sections: [],
    };
  },
});
const plugin = definePlugin({ name: 'points-plugin', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, analyses: [analysis] });
const run = (inputs: string[], params: Record<string, unknown> = {}) =>
  runAnalysis({ plugin, analysis, inputs: parseInputAssignments(inputs), params });

describe('named inputs', () => {
  it('loads each kind, hands values to the analysis and records every file read with its role and hash', async () => {
    const env = await run([
      `points=${points}`,
      `weights=${table}`,
      `labels=${labelled}`,
      `prompts.en=${en}`,
      `prompts.de=${de}`,
      `folder=${folder}`,
    ]);
    expect(env.results).toEqual({
      sum: 2 * 2 + 2 * 4,
      labels: ['de', 'en'],
      perClass: { en: 2, de: 1 },
      folderFiles: ['config.json', join('sub', 'weights.bin')],
      legacyRows: 0,
    });
    expect(env.inputs.files).toEqual([
      { role: 'points', path: points, ...sha(points) },
      { role: 'weights', path: table, ...sha(table) },
      { role: 'labels', path: labelled, ...sha(labelled) },
      { role: 'prompts.en', path: en, ...sha(en) },
      { role: 'prompts.de', path: de, ...sha(de) },
      { role: 'folder', path: join(folder, 'config.json'), ...sha(join(folder, 'config.json')) },
      { role: 'folder', path: join(folder, 'sub', 'weights.bin'), ...sha(join(folder, 'sub', 'weights.bin')) },
    ]);
    expect(env.inputs.data).toBeNull();
  });

  it('records files loaded through ctx.loadInput (deprecated path parameters) too, and is byte-identical apart from timings', async () => {
    const other = write('weights2.csv', 'w\n5\n6\n7\n');
    const a = await run([`points=${points}`], { extra: other });
    expect(a.results.legacyRows).toBe(3);
    expect(a.inputs.files.map((f) => f.role)).toEqual(['points', 'weights']);
    expect(a.inputs.files[1]).toEqual({ role: 'weights', path: other, ...sha(other) });
    const b = await run([`points=${points}`], { extra: other });
    const strip = (s: string) => JSON.stringify({ ...JSON.parse(s), timings: null });
    expect(strip(renderJson(a))).toBe(strip(renderJson(b)));
  });

  it('names the file, line and field of a bad line of a plugin-defined kind', async () => {
    const bad = write('bad.jsonl', '{"x": 1, "y": 2}\n{"x": "one", "y": 2}\n');
    await expect(run([`points=${bad}`])).rejects.toThrow(`${bad}:2: "x": `);
    const notJson = write('bad2.jsonl', '{"x": 1, "y": 2}\n{x: 1}\n');
    await expect(run([`points=${notJson}`])).rejects.toThrow(`${notJson}:2 is not valid JSON; each line must look like {"x": 1, "y": 2}`);
    const mixed = write('mixed.jsonl', '{"text": "a", "label": 1}\n{"text": "b", "tokenLabels": [1]}\n');
    await expect(run([`points=${points}`, `labels=${mixed}`])).rejects.toThrow('mixes "label" and "tokenLabels"');
  });

  it('rejects unknown names, missing labels, wrong counts and missing files before any work, with the fix', async () => {
    await expect(run([`point=${points}`])).rejects.toThrow('weighted-points has no input "point"; did you mean "points"?');
    await expect(run([])).rejects.toThrow('weighted-points needs --input points=<path>: the points');
    await expect(run([`points=${points}`, `prompts=${en}`])).rejects.toThrow(`input "prompts" takes labelled files: --input prompts.<label>=${en}`);
    await expect(run([`points.a=${points}`])).rejects.toThrow('input "points" takes no label');
    await expect(run([`points=${points}`, `prompts.en=${en}`])).rejects.toThrow('input "prompts" needs at least 2 files, got 1');
    await expect(run([`points=${points}`, `points=${points}`])).rejects.toThrow('input "points" takes at most 1 file, got 2');
    await expect(run([`points=${join(dir, 'nope.jsonl')}`])).rejects.toThrow('input "points" "');
    await expect(run([`points=${points}`, `folder=${points}`])).rejects.toThrow('is not a folder');
    expect(() => parseInputAssignments(['points'])).toThrow('--input "points" must look like name=path');
  });

  it('describes each input with its flag, kind and count', () => {
    expect(describeNamedInputs(analysis.inputs.files)).toEqual([
      '--input points=<path> (points, required): the points',
      '--input weights=<path> (table, optional): a table with a w column',
      '--input labels=<path> (labelled-jsonl, optional): labelled texts',
      '--input prompts.<label>=<path> (prompt-set, optional, 2 or more): one file of prompts per class',
      '--input folder=<path> (model-folder, optional): a folder',
    ]);
  });
});

describe('a plugin kind for the main dataset (--data)', () => {
  const onData = defineAnalysis({
    id: 'points-data',
    title: 'Points as the main dataset',
    level: 'computational',
    summary: 'Sums y over the points given with --data',
    inputs: { data: { kind: pointsKind, required: true, description: 'the points' } },
    params: z.object({}),
    async run(ctx) {
      const file = ctx.inputs.data[0];
      return { summary: 'done', sections: [], results: { sum: (file.value as { y: number }[]).reduce((a, p) => a + p.y, 0), path: file.path, role: file.role, data: ctx.data === null ? null : 'set' } };
    },
  });
  const dataPlugin = definePlugin({ name: 'test-data-kind', version: '0.0.0', apiVersion: PLUGIN_API_VERSION, analyses: [onData] });

  it('is loaded by its kind into ctx.inputs.data and hashed with role data', async () => {
    const env = await runAnalysis({ plugin: dataPlugin, analysis: onData, dataPath: points });
    expect(env.results).toEqual({ sum: 6, path: points, role: 'data', data: null });
    expect(env.inputs.files).toEqual([{ role: 'data', path: points, ...sha(points) }]);
    expect(env.inputs.data).toEqual({ path: points, ...sha(points) });
  });

  it('gives the kind\'s per-line error for a bad file, and says the kind in describeInputs', async () => {
    const bad = write('bad-points.jsonl', '{"x": 1, "y": 2}\n{"x": "a", "y": 2}\n');
    await expect(runAnalysis({ plugin: dataPlugin, analysis: onData, dataPath: bad })).rejects.toThrow(/bad-points\.jsonl:2: "x"/);
    expect(describeInputs(onData.inputs)).toBe('a points dataset (--data): the points');
  });
});
