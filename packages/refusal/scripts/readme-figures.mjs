// Writes the figures of report.json files as SVGs for the README: node scripts/readme-figures.mjs <report.json> <prefix>
// (each figure section becomes figures/<prefix>-<n>.svg, in report order).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFigureSvg } from '@marr/report-html';

const [report, prefix] = process.argv.slice(2);
if (!report || !prefix) {
  console.error('usage: node scripts/readme-figures.mjs <report.json> <prefix>');
  process.exit(2);
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'figures');
const figures = JSON.parse(readFileSync(report, 'utf8')).sections.filter((s) => s.kind === 'figure');
for (const [i, s] of figures.entries()) {
  const file = join(out, `${prefix}-${i + 1}.svg`);
  writeFileSync(file, await renderFigureSvg(s.figure));
  console.log(file, s.figure.title);
}
