import { describe, expect, it } from 'vitest';
import { balancedClassWeights } from '../../src/classification/binary-labels.js';
import { exhaustiveSparseClassifier } from '../../src/classification/exhaustive-sparse-classifier.js';
import { fitLogisticRegression } from '../../src/classification/logistic-regression.js';
import { logisticSupportOracle } from '../../src/classification/logistic-support-oracle.js';
import { optimalSparseClassifier } from '../../src/classification/optimal-sparse-classifier.js';
import { javascriptLpSolver } from '../../src/milp/lp-solver-adapter.js';
import { designMatrix } from '../../src/problem/design-matrix.js';
import { jointlySeparableInstance, plantedLogisticInstance } from './instances.js';

describe('logisticSupportOracle gradient', () => {
  const inst = plantedLogisticInstance(3, 120, 6, 2);
  const C = 0.7;
  const oracle = logisticSupportOracle(inst.x, inst.labels, { C });
  // f at a fractional support s: the penalty beta_j^2 / (2 C s_j) equals scaling column j by sqrt(s_j).
  const fractional = (s: number[]): number => {
    const { rows: n, cols: p, data } = inst.x;
    const support = s.map((v, j) => (v > 0 ? j : -1)).filter((j) => j >= 0);
    const scaled = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scaled[i * p + j] = data[i * p + j] * Math.sqrt(s[j]);
    return fitLogisticRegression(designMatrix(n, p, scaled), inst.labels, { C, support }).objective;
  };

  it('matches one-sided finite differences of the continuous relaxation, on and off the support', () => {
    const support = [1, 4];
    const { value, gradient } = oracle.evaluate(support);
    const s = [0, 1, 0, 0, 1, 0];
    expect(fractional(s)).toBeCloseTo(value, 9);
    const h = 1e-7;
    for (let j = 0; j < 6; j++) {
      const t = [...s];
      t[j] += s[j] === 1 ? -h : h;
      const fd = s[j] === 1 ? (value - fractional(t)) / h : (fractional(t) - value) / h;
      expect(Math.abs(gradient[j] - fd)).toBeLessThan(1e-4 * (1 + Math.abs(fd)));
    }
  });

  it('gives valid cuts: f(s2) >= f(s1) + g(s1).(s2 - s1) for every pair of small supports (convexity)', () => {
    const supports = [[], [0], [2], [0, 3], [1, 4], [2, 5], [0, 1, 2], [3, 4, 5]];
    for (const a of supports) {
      const ea = oracle.evaluate(a);
      for (const b of supports) {
        const fb = oracle.evaluate(b).value;
        let lin = ea.value;
        for (let j = 0; j < 6; j++) lin += ea.gradient[j] * ((b.includes(j) ? 1 : 0) - (a.includes(j) ? 1 : 0));
        expect(fb).toBeGreaterThanOrEqual(lin - 1e-7 * Math.abs(fb));
      }
    }
  });
});

describe('optimalSparseClassifier equals exhaustive search of its objective', () => {
  const cases = [
    { seed: 1, n: 120, p: 10, k: 1, C: 1 },
    { seed: 2, n: 150, p: 10, k: 2, C: 0.3 },
    { seed: 3, n: 150, p: 8, k: 3, C: 1 },
    { seed: 4, n: 200, p: 8, k: 4, C: 0.1 },
  ];
  it.each(cases)('seed $seed: n=$n p=$p k=$k C=$C (balanced weights, imbalanced classes)', async ({ seed, n, p, k, C }) => {
    const inst = plantedLogisticInstance(seed, n, p, k, 1.5, 0.3, -1);
    const weights = balancedClassWeights(inst.labels);
    const exact = exhaustiveSparseClassifier(inst.x, inst.labels, { k, C, weights });
    const osp = await optimalSparseClassifier(inst.x, inst.labels, { k, C, weights, relativeGapTolerance: 1e-8, enumerationLimit: 0, maxIterations: 100 });
    expect(osp.method).toBe('outer-approximation');
    expect(osp.optimal).toBe(true);
    expect(osp.gap).toBeLessThanOrEqual(1e-8 * 1.01);
    expect(osp.objective).toBeCloseTo(exact.objective, 6);
    expect(osp.lowerBound).toBeLessThanOrEqual(exact.objective * (1 + 1e-9));
    // The support is the exhaustive one whenever the optimum is unique by a visible margin.
    if (exact.runnerUpObjective - exact.objective > 1e-6 * exact.objective) expect(osp.support).toEqual(exact.support);
  });

  it('also with the javascript-lp-solver master (no proof claimed)', async () => {
    const inst = plantedLogisticInstance(7, 100, 8, 2);
    const exact = exhaustiveSparseClassifier(inst.x, inst.labels, { k: 2 });
    const osp = await optimalSparseClassifier(inst.x, inst.labels, { k: 2, solver: javascriptLpSolver(), enumerationLimit: 0 });
    expect(osp.objective).toBeCloseTo(exact.objective, 6);
    expect(osp.optimal).toBe(false);
  });
});

describe('optimalSparseClassifier on a planted jointly separable pair', () => {
  it('finds the two individually uninformative columns at k = 2, which the mean-difference ranking misses', async () => {
    const inst = jointlySeparableInstance(9, 300, 8);
    const { rows: n, cols: p, data } = inst.x;
    // Standardise, as the probes do.
    const z = new Float64Array(n * p);
    const standardised: number[] = [];
    for (let j = 0; j < p; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += data[i * p + j] / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (data[i * p + j] - m) ** 2 / n;
      for (let i = 0; i < n; i++) z[i * p + j] = (data[i * p + j] - m) / Math.sqrt(v);
      standardised.push(j);
    }
    const x = designMatrix(n, p, z);
    const meanDiff = standardised.map((j) => {
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) (inst.labels[i] ? (a += z[i * p + j]) : (b += z[i * p + j]));
      return Math.abs(a / (n / 2) - b / (n / 2));
    });
    const top2 = standardised.sort((a, b) => meanDiff[b] - meanDiff[a]).slice(0, 2);
    expect(top2).not.toContain(1);
    expect(top2).not.toEqual([0, 1]);
    const osp = await optimalSparseClassifier(x, inst.labels, { k: 2, C: 1, enumerationLimit: 0, maxIterations: 1000 });
    expect(osp.optimal).toBe(true);
    expect(osp.support).toEqual([0, 1]);
    // The pair separates the classes: every training example is on the right side.
    let correct = 0;
    for (let i = 0; i < n; i++) {
      const s = osp.intercept + osp.coefficients[0] * z[i * p] + osp.coefficients[1] * z[i * p + 1];
      if ((s > 0 ? 1 : 0) === inst.labels[i]) correct++;
    }
    expect(correct).toBe(n);
  });

  it('reports a gap and does not claim optimality when the time limit stops it first', async () => {
    const inst = plantedLogisticInstance(12, 200, 30, 4);
    const osp = await optimalSparseClassifier(inst.x, inst.labels, { k: 4, timeLimitMs: 0, enumerationLimit: 0 });
    expect(osp.optimal).toBe(false);
    expect(osp.status).toBe('time-limit');
    expect(osp.gap).toBeGreaterThan(0);
    expect(osp.support.length).toBeLessThanOrEqual(4);
  });

  it('small instances are solved by enumeration, a proof by exhaustion, with the same answer', async () => {
    const inst = plantedLogisticInstance(5, 150, 9, 2);
    const byEnumeration = await optimalSparseClassifier(inst.x, inst.labels, { k: 2 });
    const byOA = await optimalSparseClassifier(inst.x, inst.labels, { k: 2, enumerationLimit: 0, relativeGapTolerance: 1e-9 });
    expect(byEnumeration.method).toBe('enumeration');
    expect(byEnumeration.optimal).toBe(true);
    expect(byEnumeration.gap).toBe(0);
    expect(byEnumeration.support).toEqual(byOA.support);
    expect(byEnumeration.objective).toBeCloseTo(byOA.objective, 7);
  });

  it('rejects k outside 1..p', async () => {
    const inst = plantedLogisticInstance(1, 20, 3, 1);
    await expect(optimalSparseClassifier(inst.x, inst.labels, { k: 4 })).rejects.toThrow(/exceeds the 3 candidate columns/);
    await expect(optimalSparseClassifier(inst.x, inst.labels, { k: 0 })).rejects.toThrow(/k must be an integer >= 1/);
  });
});
