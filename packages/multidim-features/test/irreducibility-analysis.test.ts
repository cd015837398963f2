import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAnalysis } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { describe, expect, test } from 'vitest';
import plugin, { irreducibilityResults } from '../src/index.js';
import { strip } from './helpers.js';

const CLOUDS = join(import.meta.dirname, '..', 'examples', 'clouds.csv');
const analysis = plugin.analyses.find((a) => a.id === 'irreducibility')!;
const run = (params: Record<string, unknown>, dataPath = CLOUDS) => runAnalysis({ plugin, analysis, dataPath, params: { iterations: 1500, ...params } });

describe('the irreducibility analysis on a table', () => {
  test('the circle is irreducible, the two lines a mixture, the Gaussian separable; same seed, same report', async () => {
    const circle = irreducibilityResults.parse((await run({ columns: ['circle_x', 'circle_y'], labelColumn: 'quadrant' })).results);
    const lines = irreducibilityResults.parse((await run({ columns: ['lines_x', 'lines_y'] })).results);
    const gauss = irreducibilityResults.parse((await run({ columns: ['gauss_x', 'gauss_y'] })).results);
    expect(circle.separabilityIndex).toBeGreaterThan(1);
    expect(circle.mixtureIndex).toBeLessThan(0.25);
    expect(lines.mixtureIndex).toBeGreaterThan(0.45);
    expect(gauss.separabilityIndex).toBeLessThan(0.15);
    expect(circle.score).toBeGreaterThan(2 * Math.max(lines.score, gauss.score));
    const a = await run({ columns: ['circle_x', 'circle_y'] });
    expect(strip(await run({ columns: ['circle_x', 'circle_y'] }))).toBe(strip(a));
  });

  test('more than two columns are reduced by PCA and the asked pair is used', async () => {
    const r = irreducibilityResults.parse((await run({ columns: ['circle_x', 'circle_y', 'gauss_x'], pcs: [0, 1] })).results);
    expect(r.axes).toEqual(['PC 0', 'PC 1']);
    expect(r.varianceShare).toBeGreaterThan(0.5);
  });

  test('labels from the file are escaped in the HTML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-irr-'));
    const path = join(dir, 'xss.csv');
    writeFileSync(path, 'x,y,label\n' + Array.from({ length: 50 }, (_, i) => `${Math.cos(i)},${Math.sin(i)},<img src=x onerror=alert(1)>`).join('\n') + '\n');
    const html = await renderHtml(await run({ labelColumn: 'label' }, path));
    expect(html).not.toContain('<img src=x');
  });

  test('bad input gets one clear message', async () => {
    await expect(run({ columns: ['circle_x', 'nope'] })).rejects.toThrow(/column "nope" is not in .*clouds\.csv; its columns are/);
    await expect(run({ columns: ['circle_x', 'quadrant'] })).rejects.toThrow(/column "quadrant" .* is not numeric/);
    await expect(run({ columns: ['circle_x', 'circle_y', 'gauss_x'], pcs: [0, 3] })).rejects.toThrow(/asks for component 3/);
    await expect(runAnalysis({ plugin, analysis, params: {} })).rejects.toThrow(/--data/);
  });
});
