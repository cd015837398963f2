// Demo on marr's own shipped model (@marr/zoo "default", trained on a generated corpus with German
// passages): German passages vs English stories from the zoo's own generators (fresh seeds, so the
// texts are held out), cut into windows by the language-ID builder. Writes docs/zoo-language-id.*.
//
//   npx nx run @marr/probes:build && npx nx run @marr/zoo:build && node packages/probes/examples/zoo-demo.mjs
import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, loadModel, runAnalysis } from '@marr/core';
import { generateGerman, generateStory } from '@marr/zoo';
import plugin, { sparseProbe } from '../dist/index.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
async function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
let renderFigureSvg = null;
try {
  ({ renderFigureSvg } = await import('@marr/report-html'));
} catch {
  console.log('(@marr/report-html is not built; figures are skipped)');
}

const dir = await mkdtemp(join(tmpdir(), 'marr-zoo-probe-'));
const rng = createRng(777);
const de = Array.from({ length: 600 }, () => generateGerman(rng)).join('\n\n');
const en = Array.from({ length: 600 }, () => generateStory(rng)).join('\n\n');
await writeFile(join(dir, 'de.txt'), de);
await writeFile(join(dir, 'en.txt'), en);

const model = await loadModel('default');
const t0 = performance.now();
const report = await runAnalysis({
  plugin,
  analysis: sparseProbe,
  models: [model],
  params: { task: 'language-id', classFiles: [`en=${join(dir, 'en.txt')}`, `de=${join(dir, 'de.txt')}`], positive: 'de', contextLength: 32, maxExamples: 300 },
  seed: 0,
});
console.log(`${report.summary}\n(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
await writeAtomic(join(docs, 'zoo-language-id.results.json'), JSON.stringify({ summary: report.summary, params: report.params, seed: report.seed, results: report.results }, null, 1) + '\n');
if (renderFigureSvg) {
  let i = 0;
  for (const s of report.sections) if (s.kind === 'figure') await writeAtomic(join(docs, `zoo-language-id-${++i}.svg`), await renderFigureSvg(s.figure));
}
await model.dispose();
