// Benchmarks of the multidim-features computations at realistic sizes, each against a baseline measured in
// the same run:
//  1. M_ε (10,000 ascent steps) on 20,000 points (the authors' sample_limit), against the same ascent with
//     a central finite-difference gradient (what one writes without the hand-derived gradient);
//  2. S (100 angles, 10 x 10 bins) on 20,000 points, against the authors' numpy code (python3 + numpy,
//     when present on the machine);
//  3. decoder cosine similarities and graph clustering of 4096 features of width 768 (a GPT-2-small-sized
//     residual SAE, a sixth of the 24,576 the authors cluster), against plain nested loops;
//  4. spectral clustering of 1024 features into 64 clusters: randomized subspace iteration against the dense
//     eigendecomposition, and 4096 features with the randomized solver alone.
// Run: node bench/irreducibility.mjs   (after building; prints times and ratios)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@marr/core';
import { cosineSimilarities, fractionWithinEpsilon, graphClusters, mixtureIndex, pointCloud, separabilityIndex, smoothedObjective, spectralClusters } from '../dist/index.js';

const rng = createRng(1);
const time = async (f) => { const t0 = performance.now(); const r = await f(); return [r, (performance.now() - t0) / 1000]; };
const mem = () => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB rss`;

// A 20,000-point circle with noise.
const N = 20_000;
const xy = new Float64Array(2 * N);
for (let i = 0; i < N; i++) { const t = 2 * Math.PI * rng.next(); xy[2 * i] = Math.cos(t) + 0.05 * rng.normal(); xy[2 * i + 1] = Math.sin(t) + 0.05 * rng.normal(); }
const cloud = pointCloud(N, 2, xy);

// 1. M_ε. The baseline runs 1,000 steps (the ratio is per step).
const steps = 10_000, baseSteps = 1_000;
const [m, tm] = await time(() => mixtureIndex(cloud, { iterations: steps, seed: 0 }));
const [, tb] = await time(() => {
  const a = [rng.normal(), rng.normal()]; let b = 0; const h = 1e-6, ga = new Float64Array(2);
  const P = (aa, bb) => smoothedObjective(cloud, aa, bb, 0.1, 1, ga)[0];
  for (let i = 0; i < baseSteps; i++) {
    const g0 = (P([a[0] + h, a[1]], b) - P([a[0] - h, a[1]], b)) / (2 * h);
    const g1 = (P([a[0], a[1] + h], b) - P([a[0], a[1] - h], b)) / (2 * h);
    const gb = (P(a, b + h) - P(a, b - h)) / (2 * h);
    a[0] += 0.1 * g0; a[1] += 0.1 * g1; b += 0.1 * gb;
  }
  return fractionWithinEpsilon(cloud, a, b, 0.1);
});
const perStep = tm / steps, basePerStep = tb / baseSteps;
console.log(`M_eps, ${N} points, ${steps} steps: ${tm.toFixed(2)} s (${(perStep * 1e6).toFixed(0)} us/step), M = ${m.index.toFixed(3)}; finite-difference baseline ${(basePerStep * 1e6).toFixed(0)} us/step: ${(basePerStep / perStep).toFixed(2)}x faster; ${mem()}`);

// 2. S against numpy.
const [s, ts] = await time(() => separabilityIndex(cloud));
let numpy = null;
try {
  const dir = mkdtempSync(join(tmpdir(), 'marr-bench-'));
  const path = join(dir, 'xy.json');
  writeFileSync(path, JSON.stringify(Array.from(xy)));
  const script = `
import json, sys, time
import numpy as np
xy = np.array(json.load(open(sys.argv[1]))).reshape(-1, 2)
def mi(h, eps=1e-10):
    j = h / (np.sum(h) + eps); mx = j.sum(1); my = j.sum(0); p = np.outer(mx, my); k = j > 0
    return np.sum(j[k] * np.log((j[k] + eps) / (p[k] + eps)))
t0 = time.perf_counter()
out = []
for a in np.linspace(0, 2 * np.pi, 100):
    r = np.dot(xy, np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]]))
    h, _, _ = np.histogram2d(r[:, 0], r[:, 1], bins=10)
    out.append(mi(h))
print(json.dumps({"seconds": time.perf_counter() - t0, "S": min(out) / np.log(2)}))
`;
  numpy = JSON.parse(execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }));
} catch (err) {
  console.log(`(numpy reference unavailable: ${err.message.split('\n')[0]})`);
}
console.log(`S, ${N} points, 100 angles: ${ts.toFixed(3)} s, S = ${s.index.toFixed(4)} bits` + (numpy ? `; the authors' numpy code ${numpy.seconds.toFixed(3)} s (S = ${numpy.S.toFixed(4)}): ${(numpy.seconds / ts).toFixed(2)}x` : ''));

// 3. Clustering 4096 x 768 decoder directions.
const n = 4096, d = 768;
const dec = new Float32Array(n * d);
for (let i = 0; i < dec.length; i++) dec[i] = rng.normal();
// Plant 200 groups of 3 near-duplicates so the graph has components.
for (let g = 0; g < 200; g++) for (let k = 1; k < 3; k++) for (let j = 0; j < d; j++) dec[(3 * g + k) * d + j] = dec[3 * g * d + j] + 0.5 * rng.normal();
const [sims, tsim] = await time(() => cosineSimilarities({ n, d, data: dec }));
const [clusters, tg] = await time(() => graphClusters(sims, n));
const [, tnaive] = await time(() => {
  // Plain loops on the first 512 rows (the ratio is per row).
  const rows = 512, out = new Float32Array(rows * n);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s2 = 0; for (let j = 0; j < d; j++) s2 += dec[i * d + j] ** 2; norms[i] = Math.sqrt(s2); }
  for (let i = 0; i < rows; i++) for (let k = 0; k < n; k++) { let s2 = 0; for (let j = 0; j < d; j++) s2 += dec[i * d + j] * dec[k * d + j]; out[i * n + k] = s2 / (norms[i] * norms[k]); }
  return out;
});
const naiveFull = (tnaive * n) / 512;
const multi = clusters.filter((c) => c.length > 1).length;
console.log(`similarities of ${n} x ${d} decoder rows: ${tsim.toFixed(2)} s on core's matmul; plain loops ${naiveFull.toFixed(2)} s (extrapolated from 512 rows): ${(naiveFull / tsim).toFixed(1)}x; graph clustering ${tg.toFixed(2)} s, ${multi} clusters of 2+ (200 planted); ${mem()}`);

// 4. Spectral clustering.
{
  const n1 = 1024;
  const sub = sims.length === n * n ? new Float32Array(n1 * n1) : null;
  for (let i = 0; i < n1; i++) for (let j = 0; j < n1; j++) sub[i * n1 + j] = sims[i * n + j];
  const [dense, tDense] = await time(() => spectralClusters(sub, n1, { clusters: 64, seed: 0, solver: 'dense' }));
  const [rand, tRand] = await time(() => spectralClusters(sub, n1, { clusters: 64, seed: 0, solver: 'randomized' }));
  // The planted near-duplicate triples (features 3g, 3g+1, 3g+2 for g < 200) should each land in one cluster.
  const together = (cl) => { const of = new Int32Array(n1); cl.forEach((c, i) => c.forEach((f) => { of[f] = i; })); let k = 0; for (let g = 0; g < 200; g++) if (of[3 * g] === of[3 * g + 1] && of[3 * g] === of[3 * g + 2]) k++; return k; };
  console.log(`spectral clustering of ${n1} features into 64: dense eigendecomposition ${tDense.toFixed(2)} s, randomized ${tRand.toFixed(2)} s: ${(tDense / tRand).toFixed(1)}x; planted triples kept together: dense ${together(dense)}/200, randomized ${together(rand)}/200`);
  const [big, tBig] = await time(() => spectralClusters(sims, n, { clusters: 64, seed: 0 }));
  console.log(`spectral clustering of ${n} features into 64 (randomized): ${tBig.toFixed(2)} s, ${big.length} clusters; ${mem()}`);
}
