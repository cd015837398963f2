// Best subset to proven optimality: branch and bound vs exhaustive search (baseline, same run) on
// planted random instances, and the outer-approximation loop with the two MILP solvers on a small one.
// Run: npm run bench -w @marr/sparse-regression (after a build).
import { createRng } from '@marr/core';
import {
  bestSubset, binomial, designMatrix, exhaustiveBestSubset, gramProblem, highsSolver, javascriptLpSolver, outerApproximation, ridgeSupportOracle,
} from '../dist/index.js';

function planted(seed, n, p, k, sigma) {
  const rng = createRng(seed);
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) { const c = rng.normal(); for (let j = 0; j < p; j++) x[i * p + j] = Math.sqrt(0.7) * rng.normal() + Math.sqrt(0.3) * c; }
  const support = rng.shuffle(Array.from({ length: p }, (_, j) => j)).slice(0, k);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = sigma * rng.normal(); for (const j of support) s += x[i * p + j]; y[i] = s; }
  return gramProblem(designMatrix(n, p, x), y, 0.01);
}
function cpu(fn) { const c0 = process.cpuUsage(); const value = fn(); const c = process.cpuUsage(c0); return { value, ms: (c.user + c.system) / 1000 }; }

// Warm up both code paths so the first row does not pay for JIT compilation.
{ const w = planted(1, 200, 12, 3, 1); exhaustiveBestSubset(w, { k: 3 }); bestSubset(w, { k: 3 }); }
console.log('Branch and bound vs exhaustive search (CPU ms; planted support of size k with unit coefficients, noise sigma 4, n = 500)\n');
console.log('| p | k | supports | exhaustive ms | B&B ms | nodes | speed-up | same optimum |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [p, k] of [[20, 3], [30, 4], [40, 4], [56, 3], [56, 4]]) {
  const problem = planted(p * 10 + k, 500, p, k, 4);
  const ex = cpu(() => exhaustiveBestSubset(problem, { k, maxSupports: 5_000_000 }));
  const bb = cpu(() => bestSubset(problem, { k }));
  const supports = Array.from({ length: k + 1 }, (_, s) => binomial(p, s)).reduce((a, b) => a + b, 0);
  const same = Math.abs(bb.value.objective - ex.value.objective) <= 1e-9 * ex.value.objective;
  console.log(`| ${p} | ${k} | ${supports} | ${ex.ms.toFixed(0)} | ${bb.ms.toFixed(1)} | ${bb.value.nodes} | ${(ex.ms / bb.ms).toFixed(0)}x | ${same} |`);
}

console.log('\nOuter approximation (ridge oracle) with each MILP master vs branch and bound (wall ms; p = 10, k = 2, n = 100)\n');
const small = planted(7, 100, 10, 2, 1);
const ref = bestSubset(small, { k: 2 });
const t0 = performance.now();
bestSubset(small, { k: 2 });
const bbMs = performance.now() - t0;
console.log('| method | ms | iterations | objective matches B&B | proves optimality |');
console.log('|---|---|---|---|---|');
console.log(`| branch and bound | ${bbMs.toFixed(1)} | - | true | true |`);
for (const solver of [highsSolver(), javascriptLpSolver()]) {
  const s0 = performance.now();
  try {
    const oa = await outerApproximation(ridgeSupportOracle(small), { k: 2, solver, timeLimitMs: 60_000 });
    console.log(`| OA + ${solver.name} | ${(performance.now() - s0).toFixed(0)} | ${oa.iterations} | ${Math.abs(oa.objective - ref.objective) <= 1e-7 * ref.objective} | ${oa.optimal} |`);
  } catch (err) {
    console.log(`| OA + ${solver.name} | failed after ${(performance.now() - s0).toFixed(0)} ms: ${String(err.message).slice(0, 80)} | | | |`);
  }
}
