// Efficient leave-one-out (one eigendecomposition for every penalty) against brute-force leave-one-out
// (n refits per penalty, each a Cholesky solve of the normal equations), on the same data in the same
// run; plus the efficient route alone at real sizes (the paper's grid of 12 penalties, two targets).
//   npx nx run @marr/world-model:build && node packages/world-model/bench/loo.mjs
import { spawnSync } from 'node:child_process';
import { createRng } from '@marr/core';
import { bruteForceLooMse, PAPER_ALPHAS, ridgeCv } from '../dist/index.js';

function data(n, p, t, seed) {
  const rng = createRng(seed);
  const x = { rows: n, cols: p, data: Float64Array.from({ length: n * p }, () => rng.normal()) };
  const y = { rows: n, cols: t, data: Float64Array.from({ length: n * t }, (_, k) => x.data[(Math.floor(k / t)) * p + (k % t)] + 0.5 * rng.normal()) };
  return { x, y };
}
const time = (f) => {
  const t0 = performance.now();
  const out = f();
  return { ms: performance.now() - t0, out };
};

console.log('efficient vs brute-force leave-one-out, 12 penalties, 2 targets');
console.log('n      p     efficient ms  brute ms    ratio   max |diff| of LOO MSE');
for (const [n, p] of [[100, 16], [200, 32], [400, 64], [60, 96]]) {
  const { x, y } = data(n, p, 2, n + p);
  const fast = time(() => ridgeCv(x, y, PAPER_ALPHAS));
  const brute = time(() => bruteForceLooMse(x, y, PAPER_ALPHAS));
  const diff = Math.max(...brute.out.map((m, k) => Math.abs(m - fast.out.looMse[k])));
  console.log(`${String(n).padEnd(6)} ${String(p).padEnd(5)} ${fast.ms.toFixed(1).padStart(12)} ${brute.ms.toFixed(0).padStart(9)} ${(brute.ms / fast.ms).toFixed(0).padStart(8)}x  ${diff.toExponential(1)}`);
}
// scikit-learn's RidgeCV (the authors' probe; numpy/LAPACK underneath) on data of the same shapes, when installed
const sizes = [[2000, 96], [2000, 768], [8000, 64], [1000, 4096]];
const py = `
import sys, time, numpy as np
from sklearn.linear_model import RidgeCV
for n, p in ${JSON.stringify(sizes)}:
    rng = np.random.default_rng(7); x = rng.normal(size=(n, p)); y = x[:, :2] + 0.5 * rng.normal(size=(n, 2))
    t0 = time.perf_counter(); RidgeCV(alphas=np.logspace(0.8, 4.1, 12)).fit(x, y); print((time.perf_counter() - t0) * 1000)
`;
const sk = spawnSync('python3', ['-c', py], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' } });
const skMs = sk.status === 0 ? sk.stdout.trim().split('\n').map(Number) : null;
console.log(`\nefficient route at real sizes (one layer)${skMs ? ' vs scikit-learn RidgeCV, one thread' : ' (scikit-learn not found: no comparison)'}`);
console.log('n      p     marr ms   sklearn ms  ratio');
sizes.forEach(([n, p], k) => {
  const { x, y } = data(n, p, 2, 7);
  const fast = time(() => ridgeCv(x, y, PAPER_ALPHAS));
  const ref = skMs ? `${skMs[k].toFixed(0).padStart(10)}  ${(fast.ms / skMs[k]).toFixed(1).padStart(5)}x` : '';
  console.log(`${String(n).padEnd(6)} ${String(p).padEnd(5)} ${fast.ms.toFixed(0).padStart(7)}  ${ref}`);
});
