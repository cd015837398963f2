// The README's findings: the world-model analysis on the shipped default model (its cities and people,
// five seeds of the random split, since 10-13 held-out entities make one split noisy) and on the shared
// stories260K with the paper's tables. Writes docs/findings.json and docs/*.svg.
//   npx nx run @marr/world-model:build && node packages/world-model/examples/findings.mjs
import '@marr/zoo';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, runAnalysis } from '@marr/core';
import { renderFigureSvg } from '@marr/report-html';
import plugin, { worldModelAnalysis } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const docs = join(here, '..', 'docs');
const shared = process.env.MARR_SHARED ?? join(here, '..', '..', '..', '..', 'shared');
await mkdir(docs, { recursive: true });
async function writeAtomic(path, text) {
  await writeFile(`${path}.tmp`, text);
  await rename(`${path}.tmp`, path);
}
const r3 = (v) => (v === null ? null : Number(v.toFixed(3)));
const findings = {};

async function run(name, model, dataPath, params, seed = 0, figures = []) {
  const t0 = performance.now();
  const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, models: model ? [model] : [], dataPath, params, seed });
  const r = report.results;
  const s = (performance.now() - t0) / 1000;
  console.log(`${name} (seed ${seed}, ${s.toFixed(1)} s): ${report.summary}\n`);
  let k = 0;
  for (const sec of report.sections) {
    if (sec.kind !== 'figure') continue;
    k++;
    if (figures.includes(k)) await writeAtomic(join(docs, `${name}-${k}.svg`), await renderFigureSvg(sec.figure));
  }
  return r;
}

function compact(r) {
  return {
    layers: r.layers.map((l) => ({ layer: l.layer, alpha: r3(l.alpha), r2: r3(l.r2), perTarget: Object.fromEntries(l.perTarget.map((t) => [t.target, r3(t.r2)])), proximityError: r3(l.proximityError), haversineKm: l.haversineKm === null ? null : Math.round(l.haversineKm), mae: r3(l.mae), trainR2: r3(l.trainR2) })),
    best: r.best.layer,
    entities: r.entities,
    blockHoldout: r.blockHoldout && { proximityError: r3(r.blockHoldout.proximityError), nominalProximityError: r3(r.blockHoldout.nominalProximityError), blocks: r.blockHoldout.blocks.length },
  };
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => Math.sqrt(xs.reduce((a, b) => a + (b - mean(xs)) ** 2, 0) / (xs.length - 1));

// The default model, over five seeds of the split
const model = await loadModel('default');
const seeds = [0, 1, 2, 3, 4];
for (const [name, data, params] of [
  ['zoo-cities', 'zoo-cities.csv', { groupColumn: 'continent', minBlockSize: 4 }],
  ['zoo-cities-prefix', 'zoo-cities.csv', { groupColumn: 'continent', minBlockSize: 4, prompt: 'custom', prefix: 'The coordinates of ', neurons: false }],
  ['zoo-people', 'zoo-people.csv', { targets: ['year'], groupColumn: 'century', minBlockSize: 4 }],
  // not the paper's position: where the model is about to state the fact (it states every one correctly)
  ['zoo-cities-at-latitude', 'zoo-cities.csv', { groupColumn: 'continent', minBlockSize: 4, suffix: ' lies at latitude', neurons: false }],
  ['zoo-people-born-in', 'zoo-people.csv', { targets: ['year'], groupColumn: 'century', minBlockSize: 4, suffix: ' was born in', neurons: false }],
]) {
  const runs = [];
  for (const seed of seeds) runs.push(await run(name, model, join(here, data), params, seed, seed === 0 ? [1, 2, 3, 4] : []));
  const layers = runs[0].layers.map((l, i) => {
    const r2s = runs.map((r) => r.layers[i].r2);
    const per = Object.fromEntries(l.perTarget.map((t, j) => [t.target, { mean: r3(mean(runs.map((r) => r.layers[i].perTarget[j].r2))), sd: r3(sd(runs.map((r) => r.layers[i].perTarget[j].r2))) }]));
    return { layer: l.layer, r2: { mean: r3(mean(r2s)), sd: r3(sd(r2s)) }, perTarget: per, proximityError: { mean: r3(mean(runs.map((r) => r.layers[i].proximityError))), sd: r3(sd(runs.map((r) => r.layers[i].proximityError))) }, trainR2: r3(mean(runs.map((r) => r.layers[i].trainR2))) };
  });
  findings[name] = { params, seeds, overSeeds: layers, seed0: compact(runs[0]) };
}
await model.dispose?.();

// stories260K with the shared tables
const s260 = join(shared, 'models/stories260K/stories260K.bin');
const stories = await loadModel(s260, { tokenizer: join(shared, 'models/stories260K/tok512.bin') });
for (const [name, data, params, figs] of [
  ['stories260k-world-place', 'data/world-models/world_place.csv', { groupColumn: 'country', prompt: 'coords', nameStyle: 'world-place', maxEntities: 2000, neurons: false }, [1, 2, 3, 4]],
  ['stories260k-world-place-empty', 'data/world-models/world_place.csv', { groupColumn: 'country', maxEntities: 2000, neurons: false }, []],
  ['stories260k-us-place', 'data/world-models/us_place.csv', { groupColumn: 'state_id', prompt: 'coords', maxEntities: 2000, neurons: false }, [1]],
  ['stories260k-art', 'data/world-models/art.csv', { nameColumn: 'title', targets: ['release_date'], groupColumn: 'decade', prompt: 'release', maxEntities: 2000, neurons: false }, [1, 2]],
  ['stories260k-pantheon-year', 'data/pantheon/pantheon.tsv', { targets: ['birthyear'], groupColumn: 'continentName', maxEntities: 2000, neurons: false }, [1]],
]) {
  findings[name] = { params, ...compact(await run(name, stories, join(shared, data), params, 0, figs)) };
}
await writeAtomic(join(docs, 'findings.json'), JSON.stringify(findings, null, 1) + '\n');
console.log(`wrote ${join(docs, 'findings.json')}`);
