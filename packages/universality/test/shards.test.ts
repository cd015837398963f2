import { join } from 'node:path';
import { mergeShards, readShardFolder, renderJson, runAnalysis, runAnalysisShard, writeFileSet } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin, { type UniversalNeuronsResults } from '../src/index.js';
import { corpusFile, organism, scratch } from './helpers.js';

const analysis = plugin.analyses[0];
const data = corpusFile(120, 77);
const params = { maxTokens: 2048, contextLength: 64, batchSize: 4, top: 5 };

/** Every number in a results tree, in order, with its path. */
function numbers(value: unknown, path = 'results', out: [string, number][] = []): [string, number][] {
  if (typeof value === 'number') out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => numbers(v, `${path}.${i}`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbers(v, `${path}.${k}`, out);
  return out;
}

describe('universal-neurons in shards', () => {
  it('3 shards merged give the results of one run (1e-12 relative) and the same envelope; the same seed gives the same report', async () => {
    const models = [await organism(0), await organism(2)];
    const whole = await runAnalysis({ plugin, analysis, models, dataPath: data, params, seed: 5 });
    const dirs: string[] = [];
    for (const index of [1, 0, 2]) {
      const shard = await runAnalysisShard({ plugin, analysis, models, dataPath: data, params, seed: 5, shard: { index, count: 3 } });
      const dir = join(scratch, `shard-${index}`);
      await writeFileSet(dir, shard.files);
      dirs.push(dir);
    }
    const merged = await mergeShards({ plugin, analysis, folders: await Promise.all(dirs.map(readShardFolder)) });
    const a = numbers(whole.results), b = numbers(merged.results);
    expect(b.map(([p]) => p)).toEqual(a.map(([p]) => p));
    let worst = 0;
    a.forEach(([, x], i) => { worst = Math.max(worst, Math.abs(x - b[i][1]) / Math.max(1, Math.abs(x))); });
    expect(worst).toBeLessThan(1e-12);
    const wr = whole.results as unknown as UniversalNeuronsResults, mr = merged.results as unknown as UniversalNeuronsResults;
    expect(mr.neurons.map((v) => v.universal)).toEqual(wr.neurons.map((v) => v.universal));
    expect(mr.neurons.map((v) => v.partners.map((p) => `${p.layer}.${p.neuron}`))).toEqual(wr.neurons.map((v) => v.partners.map((p) => `${p.layer}.${p.neuron}`)));
    const strip = (e: object) => { const v = JSON.parse(JSON.stringify(e)); delete v.timings; delete v.results; delete v.sections; delete v.summary; return v; };
    expect(strip(merged)).toEqual(strip(whole));
    expect(merged.summary).toBe(whole.summary);
    // Determinism: the same seed gives a byte-identical report.json apart from timings.
    const again = await runAnalysis({ plugin, analysis, models, dataPath: data, params, seed: 5 });
    const noTimings = (e: object) => { const v = JSON.parse(renderJson(e as never)); delete v.timings; return JSON.stringify(v); };
    expect(noTimings(again)).toBe(noTimings(whole));
    const other = await runAnalysis({ plugin, analysis, models, dataPath: data, params, seed: 6 });
    expect((other.results as unknown as UniversalNeuronsResults).neurons[0].baselineMaxCorr).not.toBe(wr.neurons[0].baselineMaxCorr);
  });
});
