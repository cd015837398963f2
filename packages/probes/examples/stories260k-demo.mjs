// The README demo: language identification (German vs English) and position features in stories260K.
// Writes the reports' summaries and results to docs/*.results.json and the figures to docs/*.svg
// (atomically: temp file in the same folder, then rename).
//
//   npx nx run @marr/probes:build && node packages/probes/examples/stories260k-demo.mjs
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, runAnalysis } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import plugin, { probeSweep, sparseProbe } from '../dist/index.js';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs');
const need = (rel) => {
  const f = sharedFixture(rel);
  if (!f.path) throw new Error(`${rel}: ${f.reason}`);
  return f.path;
};
const modelPath = need('models/stories260K/stories260K.bin');
const tokenizer = need('models/stories260K/tok512.bin');
const de = need('data/de-en-prose/de-grimm.txt');
const en = need('data/de-en-prose/en-twain1.txt');

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

async function save(name, report) {
  await writeAtomic(join(docs, `${name}.results.json`), JSON.stringify({ summary: report.summary, params: report.params, seed: report.seed, results: report.results }, null, 1) + '\n');
  if (!renderFigureSvg) return;
  let i = 0;
  for (const s of report.sections) if (s.kind === 'figure') await writeAtomic(join(docs, `${name}-${++i}.svg`), await renderFigureSvg(s.figure));
}

const model = await loadModel(modelPath, { tokenizer });
const t0 = performance.now();
const lang = await runAnalysis({
  plugin,
  analysis: sparseProbe,
  models: [model],
  params: {
    task: 'language-id',
    classFiles: [`en=${en}`, `de=${de}`],
    positive: 'de',
    contextLength: 64,
    maxExamples: 400,
  },
  seed: 0,
});
console.log(`${lang.summary}\n(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
await save('language-id', lang);

const t1 = performance.now();
const pos = await runAnalysis({
  plugin,
  analysis: probeSweep,
  models: [model],
  dataPath: en,
  params: { task: 'position', contextLength: 64, maxExamples: 60, methods: ['mean-diff', 'f-stat'], kValues: [1, 2, 4, 8, 16, 32, 64] },
  seed: 0,
});
console.log(`${pos.summary}\n(${((performance.now() - t1) / 1000).toFixed(0)} s)`);
await save('position', pos);
await model.dispose();
