import { createRng } from '@marr/core';
import { designMatrix } from '@marr/sparse-regression';
import { describe, expect, it } from 'vitest';
import { fStatisticScores } from '../src/rankers/f-statistic.js';
import { fitL1Logistic } from '../src/rankers/l1-logistic.js';
import { meanDifferenceScores } from '../src/rankers/mean-difference.js';
import { mutualInformation } from '../src/rankers/mutual-information.js';
import { rankFeatures } from '../src/rankers/rank-features.js';

function randomData(seed: number, n: number, p: number) {
  const rng = createRng(seed);
  const labels = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = rng.normal() + (labels[i] ? 0.3 * j : 0);
  return { x: designMatrix(n, p, data), labels, data };
}

describe('rankers', () => {
  it('F statistic equals the squared pooled two-sample t statistic', () => {
    const { x, labels, data } = randomData(1, 90, 4);
    const f = fStatisticScores(x, labels);
    for (let j = 0; j < 4; j++) {
      const a = labels.flatMap((y, i) => (y ? [data[i * 4 + j]] : []));
      const b = labels.flatMap((y, i) => (y ? [] : [data[i * 4 + j]]));
      const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
      const ss = (v: number[]) => v.reduce((s, t) => s + (t - mean(v)) ** 2, 0);
      const sp2 = (ss(a) + ss(b)) / (a.length + b.length - 2);
      const t = (mean(a) - mean(b)) / Math.sqrt(sp2 * (1 / a.length + 1 / b.length));
      expect(f[j]).toBeCloseTo(t * t, 9);
    }
  });

  it('mean difference and the ranking order (best first)', () => {
    const { x, labels } = randomData(2, 300, 5);
    const md = meanDifferenceScores(x, labels);
    expect(rankFeatures('mean-diff', x, labels)).toEqual([4, 3, 2, 1, 0]);
    expect(md[4]).toBeGreaterThan(1);
    expect(rankFeatures('random', x, labels, { seed: 4 })).toEqual(rankFeatures('random', x, labels, { seed: 4 }));
    expect([...rankFeatures('random', x, labels, { seed: 4 })].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('mutual information: separated balanced classes give psi(n) - psi(n/2) = H(n-1) - H(n/2-1); it matches a brute-force estimator', () => {
    const n = 40;
    const values = Array.from({ length: n }, (_, i) => (i < n / 2 ? i * 0.37 : 100 + i * 0.41));
    const labels = values.map((_, i) => (i < n / 2 ? 0 : 1));
    let h = 0;
    for (let i = n / 2; i <= n - 1; i++) h += 1 / i;
    expect(mutualInformation(values, labels)).toBeCloseTo(h, 12);

    // Brute force of the Ross estimator (sklearn's definition) on random data.
    const rng = createRng(8);
    const m = 80;
    const ys = Array.from({ length: m }, () => (rng.next() < 0.5 ? 1 : 0));
    const xs = ys.map((y) => rng.normal() + y);
    const H = (k: number) => { let s = 0; for (let i = 1; i < k; i++) s += 1 / i; return s; }; // psi(k) + gamma
    let acc = 0;
    for (let i = 0; i < m; i++) {
      const same = xs.filter((_, j) => j !== i && ys[j] === ys[i]).map((v) => Math.abs(v - xs[i])).sort((a, b) => a - b);
      const nc = same.length + 1;
      const k = Math.min(3, nc - 1);
      const r = same[k - 1];
      const count = xs.filter((v) => Math.abs(v - xs[i]) < r).length;
      acc += H(k) - H(nc) - H(count);
    }
    const brute = Math.max(0, H(m) + acc / m);
    expect(mutualInformation(xs, ys)).toBeCloseTo(brute, 12);
    expect(brute).toBeGreaterThan(0.05);
  });

  it('L1 logistic satisfies its KKT conditions, computed independently here', () => {
    const { x, labels, data } = randomData(3, 120, 6);
    const C = 0.1;
    const fit = fitL1Logistic(x, labels, { C, tolerance: 1e-8 });
    const n = 120;
    const pos = labels.filter((v) => v).length;
    const w = labels.map((y) => (y ? n / (2 * pos) : n / (2 * (n - pos))));
    const grad = new Array(7).fill(0);
    for (let i = 0; i < n; i++) {
      let z = fit.intercept;
      for (let j = 0; j < 6; j++) z += data[i * 6 + j] * fit.coefficients[j];
      const y = labels[i] ? 1 : -1;
      const g = (-w[i] * y) / (1 + Math.exp(y * z));
      for (let j = 0; j < 6; j++) grad[j] += g * data[i * 6 + j];
      grad[6] += g;
    }
    const lambda = 1 / C;
    expect(Math.abs(grad[6])).toBeLessThan(1e-5);
    let zeros = 0;
    for (let j = 0; j < 6; j++) {
      if (fit.coefficients[j] === 0) {
        zeros++;
        expect(Math.abs(grad[j])).toBeLessThanOrEqual(lambda + 1e-5);
      } else expect(Math.abs(grad[j] + lambda * Math.sign(fit.coefficients[j]))).toBeLessThan(1e-5);
    }
    expect(zeros).toBeGreaterThan(0); // C = 0.1 is strong enough to zero some features
    expect(zeros).toBeLessThan(6);
  });
});
