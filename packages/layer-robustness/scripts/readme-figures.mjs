// Renders the figures of a report.json (e.g. from `marr run stages ... --out out/stages`) to SVG files
// for the README, with @marr/report-html (resolved from the workspace; it is not a dependency of the plugin).
//
//   node packages/layer-robustness/scripts/readme-figures.mjs out/stages/report.json packages/layer-robustness/docs/figures
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [reportPath, outDir] = process.argv.slice(2);
if (!reportPath || !outDir) {
  console.error('usage: node readme-figures.mjs <report.json> <output folder>');
  process.exit(2);
}
let renderFigureSvg;
try {
  ({ renderFigureSvg } = await import('@marr/report-html'));
} catch (err) {
  console.error(`cannot import @marr/report-html (${err.message}); build it first: npx nx run @marr/report-html:build`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
mkdirSync(outDir, { recursive: true });
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
for (const section of report.sections) {
  if (section.kind !== 'figure') continue;
  const file = join(outDir, `${slug(section.figure.title)}.svg`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, await renderFigureSvg(section.figure));
  renameSync(tmp, file);
  console.log(file);
}
