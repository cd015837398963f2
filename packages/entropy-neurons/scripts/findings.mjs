// The README's findings: the three analyses on the shipped default model (zoo held-out text) and on
// ../shared/models/stories260K (TinyStories validation text). Writes small summaries to findings/*.json
// (committed; test/findings.test.ts checks them) and full report.html files to $OUT (default /tmp/entropy-findings).
// Run after `npx nx run @marr/entropy-neurons:build`:  node packages/entropy-neurons/scripts/findings.mjs
import '@marr/zoo';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, runAnalysis } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { generateCorpus, HELD_OUT_SEED } from '@marr/zoo';
import plugin from '@marr/entropy-neurons';

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'findings');
const htmlDir = process.env.OUT ?? '/tmp/entropy-findings';
const shared = process.env.MARR_SHARED ?? join(here, '..', '..', '..', '..', 'shared');
mkdirSync(outDir, { recursive: true });
mkdirSync(htmlDir, { recursive: true });

const zooText = join(htmlDir, 'zoo-heldout.txt');
writeFileSync(zooText, generateCorpus(HELD_OUT_SEED, 300).map((d) => d.text.replace(/\n\s*\n/g, '\n')).join('\n\n') + '\n');

const models = [
  { name: 'default', spec: 'default', options: {}, data: zooText, induction: { n: 12, draw: 'dataset' } },
  {
    name: 'stories260K',
    spec: join(shared, 'models/stories260K/stories260K.bin'),
    options: { tokenizer: join(shared, 'models/stories260K/tok512.bin') },
    data: join(shared, 'data/tinystories/tinystories_valid_30k.txt'),
    induction: { n: 50, draw: 'dataset' },
  },
];

const pick = (o, keys) => Object.fromEntries(keys.map((k) => [k, o[k]]));

for (const m of models) {
  const model = await loadModel(m.spec, m.options);
  for (const [id, params, useData] of [
    ['entropy-neurons', { maxTokens: 4096, top: 8 }, true],
    ['token-frequency-neurons', { maxTokens: 4096, top: 8 }, true],
    ['induction-entropy', { ...m.induction, sequences: 64, neurons: 5 }, true],
  ]) {
    const t0 = performance.now();
    const report = await runAnalysis({ plugin, analysis: plugin.analyses.find((a) => a.id === id), models: [model], dataPath: useData ? m.data : undefined, params, seed: 0 });
    const seconds = (performance.now() - t0) / 1000;
    writeFileSync(join(htmlDir, `${m.name}-${id}.html`), await renderHtml(report));
    const r = report.results;
    let summary;
    if (id === 'entropy-neurons') {
      const byTotal = [...r.neurons].sort((a, b) => b.totalEffect - a.totalEffect).slice(0, 8);
      const fr = r.neurons.map((n) => n.normMediatedFraction).filter((x) => x !== null).sort((a, b) => a - b);
      summary = {
        ...pick(r, ['layer', 'nullSpaceK', 'tokens', 'windows', 'cleanLoss', 'cleanEntropy']),
        singularValuesBottom: r.singularValues.slice(-6),
        singularValuesTop: r.singularValues.slice(0, 3),
        topByNullSpace: r.entropyNeurons.map((j) => r.neurons[j]),
        topByTotalEffect: byTotal,
        medianNormMediatedFraction: fr[fr.length >> 1],
      };
    } else if (id === 'token-frequency-neurons') {
      const fr = r.neurons.map((n) => n.frequencyMediatedFraction).filter((x) => x !== null).sort((a, b) => a - b);
      summary = { ...pick(r, ['layer', 'tokens', 'windows', 'cleanLoss', 'cleanKl', 'unigram']), topByFrequencyScore: r.frequencyNeurons.map((j) => r.neurons[j]), medianFrequencyMediatedFraction: fr[fr.length >> 1] };
    } else {
      summary = { ...pick(r, ['n', 'sequences', 'inductionHeads', 'threshold']), topHeads: [...r.heads].sort((a, b) => b.score - a.score).slice(0, 4), neurons: r.neurons.map((x) => pick(x, ['layer', 'neuron', 'nullSpaceFraction', 'norm', 'firstHalf', 'secondHalf', 'secondHalfAblated'])) };
    }
    writeFileSync(join(outDir, `${m.name}-${id}.json`), JSON.stringify({ model: m.name, analysis: id, params: report.params, summaryText: report.summary, results: summary }, null, 1) + '\n');
    console.log(`${m.name} ${id}: ${seconds.toFixed(1)} s\n  ${report.summary}\n`);
  }
  await model.dispose();
}
