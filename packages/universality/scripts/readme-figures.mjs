// The figures of a universal-neurons report.json as SVG files for the README, drawn by @marr/report-html
// (resolved from the workspace). Usage: node scripts/readme-figures.mjs <report.json> <folder> [prefix]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFigureSvg } from '@marr/report-html';

const [reportPath, outDir, prefix = ''] = process.argv.slice(2);
if (!reportPath || !outDir) {
  console.error('usage: node scripts/readme-figures.mjs <report.json> <folder> [prefix]');
  process.exit(2);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
mkdirSync(outDir, { recursive: true });
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50);
for (const section of report.sections) {
  if (section.kind !== 'figure') continue;
  const file = join(outDir, `${prefix}${slug(section.figure.title)}.svg`);
  writeFileSync(file, await renderFigureSvg(section.figure));
  console.log(file);
}
