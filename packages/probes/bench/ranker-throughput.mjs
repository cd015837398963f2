// Ranker throughput: features ranked per second by each ranker on n examples x p features (a layer of
// MLP neurons), against the baseline measured in the same run: one pass that reads every entry of the
// matrix (a column sum), the floor any ranker must pay.
//
//   npx nx run @marr/probes:build && node packages/probes/bench/ranker-throughput.mjs [--n 2000] [--p 512]
import { performance } from 'node:perf_hooks';
import { createRng } from '@marr/core';
import { designMatrix } from '@marr/sparse-regression';
import { RANKERS, rankFeatures } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const n = Number(args.n ?? 2000);
const p = Number(args.p ?? 512);
const rng = createRng(7);
const data = new Float64Array(n * p);
const labels = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  labels[i] = rng.next() < 0.3 ? 1 : 0;
  for (let j = 0; j < p; j++) data[i * p + j] = rng.normal() + (labels[i] && j % 17 === 0 ? 0.5 : 0);
}
const x = designMatrix(n, p, data);

function time(f, reps = 3) {
  f();
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}
const baseline = time(() => {
  const s = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) s[j] += data[i * p + j];
  return s;
}, 5);
console.log(`ranker throughput, n = ${n}, p = ${p}, ${new Date().toISOString()}; baseline (one pass over the matrix) ${baseline.toFixed(2)} ms`);
console.log('ranker | ms | features / s | ratio to baseline');
for (const method of RANKERS) {
  const ms = time(() => rankFeatures(method, x, labels, { seed: 1 }), method === 'l1-logistic' ? 1 : 3);
  console.log(`${method} | ${ms.toFixed(1)} | ${Math.round((p / ms) * 1000)} | ${(ms / baseline).toFixed(1)}x`);
}
