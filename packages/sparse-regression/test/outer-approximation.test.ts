import { describe, expect, it } from 'vitest';
import { exhaustiveBestSubset } from '../src/exhaustive/exhaustive-search.js';
import { highsSolver, milpToLpText } from '../src/milp/highs-solver.js';
import { javascriptLpSolver } from '../src/milp/lp-solver-adapter.js';
import type { MilpProblem } from '../src/milp/milp-solver.js';
import { outerApproximation } from '../src/outer-approximation/outer-approximation.js';
import { ridgeSupportOracle } from '../src/outer-approximation/support-oracle.js';
import { gramProblem } from '../src/problem/gram-problem.js';
import { plantedInstance } from './random-instances.js';

/** A knapsack small enough to enumerate: max value, weight <= 10, with one integer and one free variable. */
const knapsack: MilpProblem = {
  variableCount: 5,
  objective: [-6, -5, -4, -3, 1],
  lower: [0, 0, 0, 0, -Infinity],
  upper: [1, 1, 1, 2, Infinity],
  integer: [true, true, true, true, false],
  constraints: [
    { terms: [[0, 5], [1, 4], [2, 3], [3, 2]], upper: 10 },
    { terms: [[4, 1], [0, 1]], lower: -0.5 },
  ],
};

function bruteForceKnapsack(): number {
  let best = Infinity;
  for (let a = 0; a <= 1; a++) for (let b = 0; b <= 1; b++) for (let c = 0; c <= 1; c++) for (let d = 0; d <= 2; d++) {
    if (5 * a + 4 * b + 3 * c + 2 * d > 10) continue;
    const x4 = -0.5 - a; // minimise +x4 subject to x4 >= -0.5 - a
    best = Math.min(best, -6 * a - 5 * b - 4 * c - 3 * d + x4);
  }
  return best;
}

describe('MILP solvers', () => {
  it.each([highsSolver(), javascriptLpSolver()])('$name solves a small MILP to the brute-force optimum', async (solver) => {
    const sol = await solver.solve(knapsack, { timeLimitMs: 10_000 });
    expect(sol.status).toBe('optimal');
    expect(sol.objective).toBeCloseTo(bruteForceKnapsack(), 8);
    expect(sol.bound).toBeLessThanOrEqual(sol.objective + 1e-9);
  });

  it('writes LP text with free variables and ranged rows', () => {
    const text = milpToLpText(knapsack);
    expect(text).toContain('x4 free');
    expect(text).toContain('Generals');
  });

  it('rejects malformed problems with a clear message', async () => {
    await expect(highsSolver().solve({ ...knapsack, objective: [1] })).rejects.toThrow(/objective has 1 entries for 5 variables/);
  });
});

describe('outerApproximation (ridge oracle) against exhaustive search', () => {
  const cases = [1, 3, 4].map((seed) => ({ seed, p: 6 + seed, k: 1 + (seed % 3), sigma: seed % 2 ? 0.3 : 1.5 }));
  it.each(cases)('HiGHS master, seed $seed p=$p k=$k', async ({ seed, p, k, sigma }) => {
    const inst = plantedInstance(100 + seed, 60, p, 3, sigma);
    const problem = gramProblem(inst.x, inst.y, 0.5);
    const exact = exhaustiveBestSubset(problem, { k });
    const oa = await outerApproximation(ridgeSupportOracle(problem), { k, solver: highsSolver(), relativeGapTolerance: 1e-7 });
    expect(oa.optimal).toBe(true);
    expect(oa.objective).toBeCloseTo(exact.objective, 6);
    expect(oa.lowerBound).toBeLessThanOrEqual(exact.objective * (1 + 1e-9));
    if (exact.runnerUpObjective - exact.objective > 1e-6 * exact.objective) expect(oa.support).toEqual(exact.support);
  });

  it('refuses alpha = 0, where the boolean relaxation is undefined', () => {
    const inst = plantedInstance(8, 20, 5, 2, 0.5);
    expect(() => ridgeSupportOracle(gramProblem(inst.x, inst.y, 0))).toThrow(/alpha > 0/);
  });
});
