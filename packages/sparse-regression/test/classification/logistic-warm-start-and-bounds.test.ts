/**
 * The fast paths of the logistic fit that the exact searches rely on: a prepared problem gives the
 * same fits as a one-off fit, a warm start reaches the same optimum as a cold one, and the dual lower
 * bound behind early stopping never exceeds the optimum (weak duality), at any iterate.
 */
import { createRng } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { balancedClassWeights } from '../../src/classification/binary-labels.js';
import { fitLogisticRegression, logisticProblem } from '../../src/classification/logistic-regression.js';
import { outerApproximation } from '../../src/outer-approximation/outer-approximation.js';
import { logisticSupportOracle } from '../../src/classification/logistic-support-oracle.js';
import { highsSolver } from '../../src/milp/highs-solver.js';
import { jointlySeparableInstance, plantedLogisticInstance } from './instances.js';

describe('logistic fits: prepared problem, warm starts, certified early stops', () => {
  const inst = plantedLogisticInstance(11, 500, 10, 3, 2, 0.3, 0.4);
  const weights = balancedClassWeights(inst.labels);
  const supports = [[0], [1, 4], [2, 5, 7], [0, 3, 6, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]];

  it('a prepared problem fits every support exactly as a one-off fit does', () => {
    const problem = logisticProblem(inst.x, inst.labels, { C: 0.7, weights });
    for (const support of supports) {
      const once = fitLogisticRegression(inst.x, inst.labels, { C: 0.7, weights, support });
      const prepared = problem.fit({ support });
      expect(prepared.objective).toBe(once.objective);
      expect([...prepared.coefficients]).toEqual([...once.coefficients]);
      expect(prepared.converged).toBe(true);
      expect(prepared.lowerBound).toBe(prepared.objective);
    }
  });

  it('a warm start from any point reaches the cold optimum', () => {
    const rng = createRng(5);
    const problem = logisticProblem(inst.x, inst.labels, { C: 1, weights });
    for (const support of supports) {
      const cold = problem.fit({ support });
      for (let trial = 0; trial < 3; trial++) {
        const coefficients = Array.from({ length: 10 }, () => 3 * rng.normal());
        const warm = problem.fit({ support, start: { coefficients, intercept: rng.normal() } });
        expect(warm.converged).toBe(true);
        expect(Math.abs(warm.objective - cold.objective)).toBeLessThan(1e-9 * cold.objective);
        for (const j of support) expect(warm.coefficients[j]).toBeCloseTo(cold.coefficients[j], 5);
      }
    }
  });

  it('the dual bound at an arbitrary start point lies below the optimum (weak duality), and meets it at the optimum', () => {
    const rng = createRng(9);
    const problem = logisticProblem(inst.x, inst.labels, { C: 1.3, weights });
    for (const support of supports) {
      const optimum = problem.fit({ support }).objective;
      for (let trial = 0; trial < 5; trial++) {
        const coefficients = Array.from({ length: 10 }, () => 2 * rng.normal());
        // stopAbove = -Infinity asks for the bound at the very first iterate.
        const early = problem.fit({ support, start: { coefficients, intercept: 2 * rng.normal() }, stopAbove: -Infinity });
        expect(early.stoppedEarly).toBe(true);
        expect(early.iterations).toBe(0);
        expect(early.lowerBound).toBeLessThanOrEqual(optimum * (1 + 1e-12));
        expect(early.objective).toBeGreaterThanOrEqual(optimum * (1 - 1e-12));
      }
      const at = problem.fit({ support });
      const bound = problem.fit({ support, start: { coefficients: at.coefficients, intercept: at.intercept }, stopAbove: -Infinity }).lowerBound;
      expect(Math.abs(bound - optimum)).toBeLessThan(1e-6 * optimum);
    }
  });

  it('stopAbove stops only supports whose optimum is at least the threshold, and never one that beats it', () => {
    const problem = logisticProblem(inst.x, inst.labels, { C: 1, weights });
    for (const support of supports) {
      const optimum = problem.fit({ support }).objective;
      const above = problem.fit({ support, stopAbove: optimum * 0.98 });
      if (above.stoppedEarly) {
        expect(above.lowerBound).toBeGreaterThanOrEqual(optimum * 0.98);
        expect(above.lowerBound).toBeLessThanOrEqual(optimum * (1 + 1e-12));
      }
      const below = problem.fit({ support, stopAbove: optimum * 1.02 });
      expect(below.stoppedEarly).toBe(false);
      expect(Math.abs(below.objective - optimum)).toBeLessThan(1e-9 * optimum);
    }
  });
});

describe('outer approximation: the stall rule', () => {
  it('stops, reproducibly, once master solves stop moving the bound, with a valid bound', async () => {
    const inst = jointlySeparableInstance(5, 300, 6, 0.4);
    const oracle = logisticSupportOracle(inst.x, inst.labels, { C: 1, weights: balancedClassWeights(inst.labels) });
    const run = () => outerApproximation(oracle, { k: 2, solver: highsSolver(), maxIterations: 500, stallIterations: 1, stallFraction: 0.5 });
    const a = await run();
    const b = await run();
    expect(a.status).toBe('stalled');
    expect(a.iterations).toBeLessThan(500);
    expect({ s: b.support, lb: b.lowerBound, it: b.iterations, st: b.status }).toEqual({ s: a.support, lb: a.lowerBound, it: a.iterations, st: a.status });
    const full = await outerApproximation(oracle, { k: 2, solver: highsSolver(), maxIterations: 500, relativeGapTolerance: 1e-8 });
    expect(full.status).toBe('optimal');
    expect(a.lowerBound).toBeLessThanOrEqual(full.objective * (1 + 1e-9));
  });
});
