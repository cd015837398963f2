import { describe, expect, it } from 'vitest';
import { bestSubset } from '../src/branch-and-bound/best-subset.js';
import { exhaustiveBestSubset } from '../src/exhaustive/exhaustive-search.js';
import { gramProblem } from '../src/problem/gram-problem.js';
import { plantedInstance } from './random-instances.js';

describe('bestSubset (branch and bound) against exhaustive search', () => {
  const cases: { seed: number; n: number; p: number; k: number; sigma: number; alpha: number; planted: number }[] = [];
  for (let seed = 1; seed <= 24; seed++) {
    const p = 8 + (seed % 9); // 8..16
    cases.push({ seed, n: 30 + 5 * (seed % 7), p, k: 1 + (seed % 5), sigma: [0.05, 0.5, 2][seed % 3], alpha: [0, 0.01, 1][seed % 3], planted: 1 + (seed % 4) });
  }
  it.each(cases)('seed $seed: p=$p k=$k sigma=$sigma alpha=$alpha', ({ seed, n, p, k, sigma, alpha, planted }) => {
    const inst = plantedInstance(seed, n, p, planted, sigma);
    const problem = gramProblem(inst.x, inst.y, alpha);
    const exact = exhaustiveBestSubset(problem, { k });
    const bb = bestSubset(problem, { k });
    expect(bb.optimal).toBe(true);
    expect(bb.status).toBe('optimal');
    const scale = Math.max(1, Math.abs(exact.objective));
    expect(Math.abs(bb.objective - exact.objective)).toBeLessThanOrEqual(1e-8 * scale);
    // The certificate: the proven bound is below the true optimum and the gap is closed.
    expect(bb.lowerBound).toBeLessThanOrEqual(exact.objective + 1e-9 * scale);
    expect(bb.objective - bb.lowerBound).toBeLessThanOrEqual(1e-8 * scale);
    if (exact.runnerUpObjective - exact.objective > 1e-6 * scale) expect(bb.support).toEqual(exact.support);
    for (let j = 0; j < p; j++) expect(bb.coefficients[j]).toBeCloseTo(exact.coefficients[j], 6);
  });

  // Few samples, many correlated features, heavy noise: the hard regime where little can be pruned.
  const hard = [1, 2, 3, 4, 5, 6].map((seed) => ({ seed, p: 18, n: 24, k: 4 + (seed % 2), alpha: [0.001, 0.1][seed % 2] }));
  it.each(hard)('hard instance seed $seed: p=$p n=$n k=$k alpha=$alpha', ({ seed, p, n, k, alpha }) => {
    const inst = plantedInstance(500 + seed, n, p, 3, 3, 0.6);
    const problem = gramProblem(inst.x, inst.y, alpha);
    const exact = exhaustiveBestSubset(problem, { k });
    const bb = bestSubset(problem, { k });
    expect(bb.optimal).toBe(true);
    expect(Math.abs(bb.objective - exact.objective)).toBeLessThanOrEqual(1e-8 * Math.abs(exact.objective));
    expect(bb.lowerBound).toBeLessThanOrEqual(exact.objective * (1 + 1e-9));
    if (exact.runnerUpObjective - exact.objective > 1e-6 * exact.objective) expect(bb.support).toEqual(exact.support);
  });

  it('recovers a planted support from a low-noise instance', () => {
    const inst = plantedInstance(99, 200, 30, 4, 0.01);
    const bb = bestSubset(gramProblem(inst.x, inst.y, 0), { k: 4 });
    expect(bb.support).toEqual(inst.support);
    expect(bb.optimal).toBe(true);
  });

  it('stops at the time limit with a valid bound and an honest gap', () => {
    const inst = plantedInstance(5, 120, 60, 6, 3);
    const problem = gramProblem(inst.x, inst.y, 0.01);
    const limited = bestSubset(problem, { k: 6, timeLimitMs: 0 });
    const full = bestSubset(problem, { k: 6 });
    expect(full.optimal).toBe(true);
    expect(limited.status).toBe('time-limit');
    expect(limited.lowerBound).toBeLessThanOrEqual(full.objective * (1 + 1e-9));
    expect(limited.objective).toBeGreaterThanOrEqual(full.objective * (1 - 1e-9));
    expect(limited.gap).toBeCloseTo((limited.objective - limited.lowerBound) / limited.objective, 12);
  });

  it('handles k = 0, k >= p and forbidden features', () => {
    const inst = plantedInstance(7, 40, 6, 2, 0.1);
    const problem = gramProblem(inst.x, inst.y, 0.1);
    expect(bestSubset(problem, { k: 0 }).objective).toBeCloseTo(problem.yty, 9);
    const all = bestSubset(problem, { k: 10 });
    expect(all.support).toEqual([0, 1, 2, 3, 4, 5]);
    const forb = bestSubset(problem, { k: 2, forbidden: [inst.support[0]] });
    expect(forb.support).not.toContain(inst.support[0]);
    expect(() => bestSubset(problem, { k: -1 })).toThrow(/non-negative integer/);
  });
});
