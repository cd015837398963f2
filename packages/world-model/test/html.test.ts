/** Names and group values from a user's table reach report.html escaped. */
import { runAnalysis } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import plugin, { worldModelAnalysis } from '../src/index.js';

it('escapes names and groups from the table in report.html', async () => {
  const rows = ['name,latitude,longitude,region,f0,f1'];
  for (let i = 0; i < 40; i++) {
    const lat = -60 + 3 * i, lon = 150 - 7 * i;
    rows.push(`"<img src=x onerror=alert(${i})>",${lat},${lon},${i % 2 ? '<script>alert(1)</script>' : '<b>bold</b>'},${lat / 10 + ((i * 7) % 5) / 50},${lon / 10 - ((i * 3) % 7) / 50}`);
  }
  const path = join(mkdtempSync(join(tmpdir(), 'world-model-html-')), 'xss.csv');
  writeFileSync(path, rows.join('\n') + '\n');
  const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: path, params: { groupColumn: 'region', minBlockSize: 3 } });
  const html = await renderHtml(report);
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).not.toContain('<script>alert(1)</script>');
  expect(html).not.toContain('<b>bold</b>');
});
