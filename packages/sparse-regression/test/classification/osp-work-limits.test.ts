/**
 * Issue 22: OSP proves the objective it is given, chooses enumeration when it is cheaper, carries cuts
 * across k, and stops by work (same answer every run) unless a wall-clock limit is asked for.
 */
import { describe, expect, it } from 'vitest';
import { balancedClassWeights } from '../../src/classification/binary-labels.js';
import { exhaustiveSparseClassifier } from '../../src/classification/exhaustive-sparse-classifier.js';
import { optimalSparseClassifier, type CutPool } from '../../src/classification/optimal-sparse-classifier.js';
import { jointlySeparableInstance, plantedLogisticInstance } from './instances.js';

describe('optimalSparseClassifier: objective, enumeration, work limits', () => {
  it('outer approximation with C = 1 (a weak ridge) on a jointly separable pair matches exhaustive search of that objective', async () => {
    const inst = jointlySeparableInstance(5, 300, 6, 0.4);
    const weights = balancedClassWeights(inst.labels);
    const reference = exhaustiveSparseClassifier(inst.x, inst.labels, { k: 2, C: 1, weights });
    expect(reference.support).toEqual([0, 1]);
    const oa = await optimalSparseClassifier(inst.x, inst.labels, { k: 2, C: 1, weights, enumerationLimit: 0, maxIterations: 500, relativeGapTolerance: 1e-8 });
    expect(oa.method).toBe('outer-approximation');
    expect(oa.support).toEqual(reference.support);
    expect(oa.objective).toBeCloseTo(reference.objective, 6);
    expect(oa.lowerBound).toBeLessThanOrEqual(reference.objective * (1 + 1e-9));
    expect(oa.optimal).toBe(true);
    expect(oa.lowerBound).toBeGreaterThanOrEqual(reference.objective * (1 - 1e-6));
  });

  it('enumerates when that costs less than the outer approximation budget (12 candidates, every k), with exhaustive-search answers', async () => {
    const inst = plantedLogisticInstance(8, 400, 12, 3, 1.5, 0.3);
    const weights = balancedClassWeights(inst.labels);
    const pool: CutPool = new Map();
    for (const k of [1, 3, 6]) {
      const r = await optimalSparseClassifier(inst.x, inst.labels, { k, C: 1, weights, cutPool: pool });
      expect(r.method).toBe('enumeration');
      expect(r.optimal).toBe(true);
      if (k <= 3) {
        const reference = exhaustiveSparseClassifier(inst.x, inst.labels, { k, C: 1, weights });
        expect(r.support).toEqual(reference.support);
        expect(r.objective).toBeCloseTo(reference.objective, 8);
      }
    }
  });

  it('cut screening skips most fits under a strong ridge and never changes the answer (exhaustive reference)', async () => {
    for (const [seed, C] of [[21, 0.02], [22, 0.05], [23, 1]] as const) {
      const inst = plantedLogisticInstance(seed, 300, 14, 3, 1.5, 0.4);
      const weights = balancedClassWeights(inst.labels);
      const pool: CutPool = new Map();
      for (const k of [1, 2, 3]) {
        const r = await optimalSparseClassifier(inst.x, inst.labels, { k, C, weights, cutPool: pool, enumerationLimit: 1e6 });
        const reference = exhaustiveSparseClassifier(inst.x, inst.labels, { k, C, weights });
        expect(r.method).toBe('enumeration');
        expect(r.support).toEqual(reference.support);
        expect(r.objective).toBeCloseTo(reference.objective, 8);
        if (C <= 0.05 && k === 3) expect(r.supportsScreened).toBeGreaterThan(0.5 * 364); // C(14, 3) = 364
      }
    }
  });

  it('a work-limited search gives the same support, bound, gap and iterations on every run and says it is reproducible', async () => {
    const inst = plantedLogisticInstance(11, 400, 30, 5, 1.2, 0.4);
    const weights = balancedClassWeights(inst.labels);
    const run = () => optimalSparseClassifier(inst.x, inst.labels, { k: 5, C: 1, weights, enumerationLimit: 0, maxIterations: 6, masterNodeLimit: 50 });
    const a = await run();
    const b = await run();
    expect(a.reproducible).toBe(true);
    expect(['iteration-limit', 'work-limit', 'optimal']).toContain(a.status);
    expect({ s: b.support, lb: b.lowerBound, gap: b.gap, it: b.iterations, st: b.status }).toEqual({ s: a.support, lb: a.lowerBound, gap: a.gap, it: a.iterations, st: a.status });
    expect(a.lowerBound).toBeLessThanOrEqual(a.objective);
  });

  it('a wall-clock limit is used only when asked, and the result says it is not reproducible', async () => {
    const inst = plantedLogisticInstance(11, 200, 20, 4);
    const r = await optimalSparseClassifier(inst.x, inst.labels, { k: 4, enumerationLimit: 0, timeLimitMs: 0 });
    expect(r.reproducible).toBe(false);
    expect(r.status).toBe('time-limit');
  });

  it('cuts carry across k: the second k starts from the first k evaluations', async () => {
    const inst = plantedLogisticInstance(12, 300, 20, 3);
    const weights = balancedClassWeights(inst.labels);
    const pool: CutPool = new Map();
    await optimalSparseClassifier(inst.x, inst.labels, { k: 2, weights, cutPool: pool, enumerationLimit: 0, maxIterations: 5 });
    const before = pool.size;
    const fresh = await optimalSparseClassifier(inst.x, inst.labels, { k: 3, weights, enumerationLimit: 0, maxIterations: 5 });
    const warm = await optimalSparseClassifier(inst.x, inst.labels, { k: 3, weights, cutPool: pool, enumerationLimit: 0, maxIterations: 5 });
    expect(before).toBeGreaterThan(20);
    // Reused evaluations are not refitted.
    expect(warm.supportsEvaluated).toBeLessThan(fresh.supportsEvaluated);
    expect(warm.lowerBound).toBeLessThanOrEqual(warm.objective);
  });
});
