import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  checkRangesComplete, createRng, defineAnalysis, definePlugin, mergeShards, mergeStates, parseShard, partialArray, PLUGIN_API_VERSION,
  readShardFolder, runAnalysis, runAnalysisShard, runWhole, shardRange, writeFileSet, type PartialState, type ShardedRun, type TableDataset,
} from '../../src/index.js';
import { plantedTrendCsv } from '../analysis/fixtures/trend-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-shards-'));
const csvPath = join(dir, 'trend.csv');
writeFileSync(csvPath, plantedTrendCsv([{ a: 2, b: 3 }, { a: -1, b: -0.5 }, { a: 0, b: 1 }], 1000, 0.3, createRng(5)));

/** A shardable analysis: the correlation matrix of a table's columns from float64 sums over its rows. */
const params = z.object({ scale: z.number().default(1).describe('multiplies every value') });
const correlation: ShardedRun<z.output<typeof params>> = {
  async partial(ctx, shard) {
    const data = ctx.data as TableDataset;
    const cols = data.columns;
    const range = shardRange(data.rowCount, shard);
    const k = cols.length;
    const s = partialArray([k]);
    const ss = partialArray([k, k]);
    for (let r = range.start; r < range.end; r++) {
      for (let i = 0; i < k; i++) {
        const x = data.numeric[cols[i]][r] * ctx.params.scale;
        s.data[i] += x;
        for (let j = 0; j < k; j++) ss.data[i * k + j] += x * data.numeric[cols[j]][r] * ctx.params.scale;
      }
    }
    return { items: range, sums: { n: partialArray([1], new Float64Array([range.end - range.start])), s, ss }, constants: { columns: partialArray([1], new Float64Array([k])) }, text: { columns: cols } };
  },
  async finish(_ctx, state) {
    const n = state.sums.n.data[0];
    const k = state.constants.columns.data[0];
    const { s, ss } = state.sums;
    const r: number[][] = [];
    for (let i = 0; i < k; i++) {
      r.push([]);
      for (let j = 0; j < k; j++) {
        const cov = ss.data[i * k + j] - (s.data[i] * s.data[j]) / n;
        const vi = ss.data[i * k + i] - s.data[i] ** 2 / n;
        const vj = ss.data[j * k + j] - s.data[j] ** 2 / n;
        r[i].push(cov / Math.sqrt(vi * vj));
      }
    }
    return { summary: `correlations of ${k} columns (${state.text!.columns.join(', ')}) over ${n} rows`, results: { n, r }, sections: [] };
  },
};
const analysis = defineAnalysis({
  id: 'column-correlation', title: 'Column correlation', level: 'algorithmic', summary: 'correlations of table columns',
  inputs: { data: { kind: 'table', required: true, description: 'a table' } }, params, run: runWhole(correlation), shards: correlation,
});
const plugin = definePlugin({ name: 'shard-demo', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, analyses: [analysis] });

async function writeShard(index: number, count: number, extra: { seed?: number; params?: Record<string, unknown>; data?: string } = {}): Promise<string> {
  const out = join(dir, `s${index}of${count}-${extra.seed ?? 0}-${JSON.stringify(extra.params ?? {}).replace(/\W/g, '')}${extra.data ? 'd' : ''}`);
  const run = await runAnalysisShard({ plugin, analysis, dataPath: extra.data ?? csvPath, shard: { index, count }, seed: extra.seed, params: extra.params });
  await writeFileSet(out, run.files);
  return out;
}

describe('shard selection', () => {
  it('splits items into contiguous, disjoint, complete ranges', () => {
    for (const total of [0, 1, 7, 100]) {
      for (const count of [1, 2, 3, 8, 13]) {
        const ranges = Array.from({ length: count }, (_, index) => shardRange(total, { index, count }));
        expect(ranges[0].start).toBe(0);
        expect(ranges[count - 1].end).toBe(total);
        for (let i = 1; i < count; i++) expect(ranges[i].start).toBe(ranges[i - 1].end);
        const sizes = ranges.map((r) => r.end - r.start);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('parses i/N and auto/N from the scheduler variables, with clear errors', () => {
    expect(parseShard('2/5', {})).toEqual({ index: 2, count: 5 });
    expect(parseShard('auto/4', { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
    expect(parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 0, count: 4 });
    expect(() => parseShard('5/5', {})).toThrow(/from 0 to 4/);
    expect(() => parseShard('1-of-5', {})).toThrow(/not i\/N or auto\/N/);
    expect(() => parseShard('0/0', {})).toThrow(/positive integer/);
    expect(() => parseShard('auto/4', {})).toThrow(/neither is set.*--shard 0\/4/);
    expect(() => parseShard('auto/4', { SLURM_ARRAY_TASK_ID: '4' })).toThrow(/--array=0-3/);
    expect(() => parseShard('auto/4', { JOB_COMPLETION_INDEX: '1', SLURM_ARRAY_TASK_ID: '2' })).toThrow(/disagree/);
  });
});

describe('merging partial states', () => {
  const state = (start: number, end: number, v: number): PartialState => ({
    items: { start, end, total: 10 }, sums: { x: partialArray([2], new Float64Array([v, 2 * v])) }, constants: { c: partialArray([1], new Float64Array([7])) },
  });

  it('adds sums in the order of the items whatever the order given', () => {
    const a = mergeStates([state(5, 10, 0.3), state(0, 5, 0.1)]);
    const b = mergeStates([state(0, 5, 0.1), state(5, 10, 0.3)]);
    expect([...a.sums.x.data]).toEqual([0.1 + 0.3, 0.2 + 0.6]);
    expect([...a.sums.x.data]).toEqual([...b.sums.x.data]);
    expect(a.items).toEqual({ start: 0, end: 10, total: 10 });
    expect([...a.constants.c.data]).toEqual([7]);
  });

  it('refuses gaps, overlaps and disagreeing constants', () => {
    expect(() => mergeStates([state(0, 4, 1), state(5, 10, 1)])).toThrow(/items 4-5 of 10 are in none/);
    expect(() => mergeStates([state(0, 6, 1), state(5, 10, 1)])).toThrow(/overlap/);
    expect(() => mergeStates([state(0, 5, 1)])).toThrow(/items 5-10 of 10/);
    const odd = state(5, 10, 1);
    odd.constants.c.data[0] = 8;
    expect(() => mergeStates([state(0, 5, 1), odd])).toThrow(/disagree on c/);
    expect(() => checkRangesComplete([], [])).toThrow(/nothing to merge/);
  });
});

describe('runAnalysisShard and mergeShards', () => {
  it('N merged shards give the whole run (1e-12) and the same envelope; the files round-trip exactly', async () => {
    const whole = await runAnalysis({ plugin, analysis, dataPath: csvPath });
    const dirs = [await writeShard(2, 3), await writeShard(0, 3), await writeShard(1, 3)];
    const folders = await Promise.all(dirs.map(readShardFolder));
    const merged = await mergeShards({ plugin, analysis, folders });
    const a = whole.results as { n: number; r: number[][] };
    const b = merged.results as { n: number; r: number[][] };
    expect(b.n).toBe(1000);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(Math.abs(b.r[i][j] - a.r[i][j])).toBeLessThanOrEqual(1e-12 * Math.abs(a.r[i][j]) + 1e-15);
    const strip = (e: object) => { const v = JSON.parse(JSON.stringify(e)); delete v.timings; delete v.results; return v; };
    expect(strip(merged)).toEqual(strip(whole));
    // Merging the same folders again gives the same bits.
    const again = await mergeShards({ plugin, analysis, folders: [...folders].reverse() });
    expect(again.results).toEqual(merged.results);
    // The safetensors round trip is exact.
    const direct = await runAnalysisShard({ plugin, analysis, dataPath: csvPath, shard: { index: 1, count: 3 } });
    expect([...folders[2].state.sums.ss.data]).toEqual([...direct.state.sums.ss.data]);
    const header = JSON.parse(readFileSync(join(dirs[0], 'partial.json'), 'utf8'));
    expect(header).toMatchObject({ kind: 'marr-partial', shard: { index: 2, count: 3 }, items: { start: 666, end: 1000, total: 1000 }, text: { columns: ['t', 'y0', 'y1', 'y2'] } });
    expect(merged.summary).toContain('(t, y0, y1, y2)');
  });

  it('says why shards do not belong together', async () => {
    const s0 = await readShardFolder(await writeShard(0, 2));
    const s1 = await readShardFolder(await writeShard(1, 2));
    const merge = (folders: typeof s0[]) => mergeShards({ plugin, analysis, folders });
    await expect(merge([s0])).rejects.toThrow(/shard 1 of 2 is missing; run it \(--shard 1\/2\)/);
    await expect(merge([s0, s0, s1])).rejects.toThrow(/both shard 0\/2/);
    await expect(merge([s0, await readShardFolder(await writeShard(1, 2, { seed: 4 }))])).rejects.toThrow(/differ in their seed/);
    await expect(merge([s0, await readShardFolder(await writeShard(1, 2, { params: { scale: 2 } }))])).rejects.toThrow(/differ in their parameters/);
    await expect(merge([s0, await readShardFolder(await writeShard(1, 3))])).rejects.toThrow(/number of shards/);
    const other = join(dir, 'other.csv');
    writeFileSync(other, readFileSync(csvPath, 'utf8').replace(/\n[^\n]*\n$/, '\n'));
    await expect(merge([s0, await readShardFolder(await writeShard(1, 2, { data: other }))])).rejects.toThrow(/read different input files/);
    await expect(readShardFolder(join(dir, 'nope'))).rejects.toThrow(/does not exist/);
    const finished = join(dir, 'finished');
    await writeFileSet(finished, [{ name: 'report.json', data: '{}' }]);
    await expect(readShardFolder(finished)).rejects.toThrow(/finished report\.json/);
  });

  it('refuses --shard for an analysis that does not declare shards', async () => {
    const plain = defineAnalysis({ ...analysis, id: 'plain', shards: undefined });
    await expect(runAnalysisShard({ plugin, analysis: plain, dataPath: csvPath, shard: { index: 0, count: 2 } })).rejects.toThrow(/cannot run in shards/);
  });
});
