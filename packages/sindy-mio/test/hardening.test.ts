/**
 * Issue 22, sindy: a default kMax never exceeds a small library, huge values name the file and
 * column, and wall-clock time is a timing (same seed, same report.json apart from `timings`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalysis } from '@marr/core';
import { afterAll, describe, expect, it } from 'vitest';
import plugin, { sindyAnalysis } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-sindy-hard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** x' = -x, y' = -2 y, z' = -0.5 z from x = y = z = 1 at t = 0 (closed form). */
function decayCsv(name: string, scale = 1, override?: { row: number; value: string }): string {
  const lines = ['t,x,y,z'];
  for (let i = 0; i < 400; i++) {
    const t = i * 0.01;
    const row = [t, scale * Math.exp(-t), scale * Math.exp(-2 * t), scale * Math.exp(-0.5 * t)].map(String);
    if (override && override.row === i) row[2] = override.value;
    lines.push(row.join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('sindy hardening', () => {
  it('degree=1 on a 3-state series: the default kMax (5) is clamped to the library of 4 terms and the planted model is found', async () => {
    const env = await runAnalysis({ plugin, analysis: sindyAnalysis, dataPath: decayCsv('decay.csv'), params: { degree: 1, derivative: 'fd' }, seed: 0 });
    const r = env.results as Record<string, unknown>;
    expect(r.featureNames).toEqual(['1', 'x', 'y', 'z']);
    const c = r.coefficients as number[][];
    expect(c[0][1]).toBeCloseTo(-1, 2);
    expect(c[1][2]).toBeCloseTo(-2, 2);
    expect(c[2][3]).toBeCloseTo(-0.5, 2);
  });

  it('a 1e308 value is refused naming the file, the column and the row', async () => {
    const path = decayCsv('huge.csv', 1, { row: 10, value: '1e308' });
    await expect(runAnalysis({ plugin, analysis: sindyAnalysis, dataPath: path, params: { degree: 2 }, seed: 0 })).rejects.toThrow(
      /huge\.csv: column "y" has the value 1e\+308 at row 12, too large .*; rescale the column/,
    );
  });

  it('no wall-clock figure outside timings: two runs give the same report apart from timings', async () => {
    const path = decayCsv('twice.csv');
    const run = async () => {
      const env = await runAnalysis({ plugin, analysis: sindyAnalysis, dataPath: path, params: { degree: 1, derivative: 'fd' }, seed: 3 });
      const { timings, ...rest } = env;
      expect(timings.phases.analysis).toBeGreaterThan(0);
      return JSON.stringify(rest);
    };
    const a = await run();
    expect(a).not.toMatch(/fitSeconds|fit time/);
    expect(await run()).toBe(a);
  });
});
