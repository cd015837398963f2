// OSP time to proof: exact k-sparse logistic probes (outer approximation, HiGHS master) for k = 1..8 on
// 50 candidate features and n = 2000 examples, against the baseline of the same run: one pass of the
// mean-difference ranker plus the L2 refit at that k (what a heuristic probe costs).
//
//   npx nx run @marr/probes:build && node packages/probes/bench/osp-time-to-proof.mjs [--n 2000] [--p 50] [--kmax 8] [--C 1] [--limit <s>]
//
// Defaults as in the plugin: the probe's own objective (C = 1), work limits (30 master solves of at
// most 2000 nodes per k), cuts carried across k; --limit adds a wall-clock limit (not reproducible).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRng } from '@marr/core';
import { designMatrix } from '@marr/sparse-regression';
import { balancedClassWeights, fitLogisticRegression, optimalSparseClassifier, rankFeatures } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const n = Number(args.n ?? 2000);
const p = Number(args.p ?? 50);
const kmax = Number(args.kmax ?? 8);
const limitMs = args.limit === undefined ? undefined : Number(args.limit) * 1000;
const kmin = Number(args.kmin ?? 1);
// The plugin's default OSP objective: the probe's own C = 1 (pass --C to override, e.g. --C 0.025 for ospGamma = 50 at n = 2000).
const C = Number(args.C ?? 1);

// Correlated, standardised "neurons" (a shared factor, like co-active MLP units) and labels from a
// logistic model on 4 planted neurons with mixed signs; 30% positives.
const rng = createRng(2024);
const data = new Float64Array(n * p);
for (let i = 0; i < n; i++) {
  const common = rng.normal();
  for (let j = 0; j < p; j++) data[i * p + j] = 0.8 * rng.normal() + 0.6 * common;
}
const planted = [3, 17, 29, 41];
const labels = new Uint8Array(n);
for (let i = 0; i < n; i++) {
  let z = -1;
  planted.forEach((j, r) => (z += (r % 2 ? -1.2 : 1.5) * data[i * p + j]));
  labels[i] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
}
const x = designMatrix(n, p, data);
const weights = balancedClassWeights(labels);

console.log(`OSP time to proof, n = ${n}, ${p} candidates, planted support [${planted}], ${limitMs === undefined ? 'work limits only' : `time limit ${limitMs / 1000} s`}, C = ${C}, ${new Date().toISOString()}`);
console.log(`load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} on ${os.cpus().length} cores (wall time is inflated when the machine is shared; CPU seconds are this process's own)`);
console.log('k | wall s | CPU s | solved by | proven | gap | master solves | baseline ms (rank + refit) | ratio (wall) | support');
const cutPool = new Map();
const total0 = performance.now();
for (let k = kmin; k <= kmax; k++) {
  const b0 = performance.now();
  const order = rankFeatures('mean-diff', x, labels);
  fitLogisticRegression(x, labels, { weights, support: order.slice(0, k) });
  const baseline = performance.now() - b0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await optimalSparseClassifier(x, labels, { k, C, weights, timeLimitMs: limitMs, cutPool, initialSupports: [order.slice(0, k)] });
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${k} | ${s.toFixed(2)} | ${cpuS.toFixed(2)} | ${r.method} | ${r.optimal} | ${Number.isFinite(r.gap) ? r.gap.toExponential(1) : 'inf'} | ${r.iterations} | ${baseline.toFixed(1)} | ${((s * 1000) / baseline).toFixed(0)}x | [${r.support}]`,
  );
}
console.log(`total ${((performance.now() - total0) / 1000).toFixed(1)} s for k = ${kmin}..${kmax}`);
