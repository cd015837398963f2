import { createRng } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { balancedClassWeights } from '../../src/classification/binary-labels.js';
import { fitLogisticRegression, logisticProbabilities } from '../../src/classification/logistic-regression.js';
import { designMatrix } from '../../src/problem/design-matrix.js';

const logit = (q: number): number => Math.log(q / (1 - q));

describe('fitLogisticRegression against closed forms', () => {
  it('unpenalised, one binary feature: the saturated model fits each group rate (logit p0, logit p1 - logit p0)', () => {
    // x = 0: 30 examples, 9 positive; x = 1: 20 examples, 14 positive.
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 30; i++) { xs.push(0); ys.push(i < 9 ? 1 : 0); }
    for (let i = 0; i < 20; i++) { xs.push(1); ys.push(i < 14 ? 1 : 0); }
    const fit = fitLogisticRegression(designMatrix(50, 1, xs), ys, { C: Infinity });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(logit(9 / 30), 9);
    expect(fit.coefficients[0]).toBeCloseTo(logit(14 / 20) - logit(9 / 30), 9);
  });

  it('unpenalised with weights: the group rates become weighted rates', () => {
    const xs = [0, 0, 0, 0, 1, 1, 1, 1];
    const ys = [1, 0, 0, 0, 1, 1, 0, 0];
    const weights = [3, 1, 1, 1, 2, 2, 1, 3];
    const fit = fitLogisticRegression(designMatrix(8, 1, xs), ys, { C: Infinity, weights });
    expect(fit.intercept).toBeCloseTo(logit(3 / 6), 9);
    expect(fit.coefficients[0]).toBeCloseTo(logit(4 / 8) - logit(3 / 6), 9);
  });

  it('intercept only: logit of the class balance', () => {
    const ys = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    const fit = fitLogisticRegression(designMatrix(10, 2, new Array(20).fill(1).map((_, i) => i)), ys, { support: [] });
    expect(fit.intercept).toBeCloseTo(logit(0.3), 10);
    expect(fit.objective).toBeCloseTo(-(3 * Math.log(0.3) + 7 * Math.log(0.7)), 10);
  });

  it('penalised, symmetric 1-D data: intercept 0 and beta solving beta / C = sum y x sigma(-y x beta) (bisection)', () => {
    const rng = createRng(5);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 40; i++) {
      const v = rng.normal() + 0.7;
      const label = rng.next() < 0.8 ? 1 : 0;
      xs.push(v, -v);
      ys.push(label, 1 - label);
    }
    const C = 0.3;
    const sig = (z: number): number => 1 / (1 + Math.exp(-z));
    const h = (beta: number): number => {
      let s = 0;
      for (let i = 0; i < xs.length; i++) {
        const yi = ys[i] ? 1 : -1;
        s += yi * xs[i] * sig(-yi * xs[i] * beta);
      }
      return s - beta / C; // decreasing in beta
    };
    let lo = -50;
    let hi = 50;
    for (let it = 0; it < 200; it++) {
      const mid = (lo + hi) / 2;
      if (h(mid) > 0) lo = mid;
      else hi = mid;
    }
    const fit = fitLogisticRegression(designMatrix(xs.length, 1, xs), ys, { C });
    expect(fit.intercept).toBeCloseTo(0, 9);
    expect(fit.coefficients[0]).toBeCloseTo((lo + hi) / 2, 9);
  });
});

describe('fitLogisticRegression stationarity on random data', () => {
  it('the finite-difference gradient of an independently written objective vanishes at the fit', () => {
    const rng = createRng(11);
    const n = 150;
    const p = 4;
    const data = Array.from({ length: n * p }, () => rng.normal());
    const labels = Array.from({ length: n }, (_, i) => (data[i * p] - 0.5 * data[i * p + 2] + rng.normal() > 0.6 ? 1 : 0));
    const weights = balancedClassWeights(labels);
    const C = 0.5;
    const x = designMatrix(n, p, data);
    const fit = fitLogisticRegression(x, labels, { C, weights });
    // The objective, written out directly: sum w log(1 + exp(-y z)) + ||beta||^2 / (2C).
    const objective = (beta: number[], b: number): number => {
      let f = 0;
      for (let i = 0; i < n; i++) {
        let z = b;
        for (let j = 0; j < p; j++) z += data[i * p + j] * beta[j];
        const yi = labels[i] ? 1 : -1;
        f += weights[i] * Math.log(1 + Math.exp(-yi * z));
      }
      return f + beta.reduce((a, v) => a + v * v, 0) / (2 * C);
    };
    const beta = Array.from(fit.coefficients);
    expect(objective(beta, fit.intercept)).toBeCloseTo(fit.objective, 9);
    const hstep = 1e-5;
    for (let j = 0; j <= p; j++) {
      const plus = [...beta];
      const minus = [...beta];
      let bp = fit.intercept;
      let bm = fit.intercept;
      if (j < p) { plus[j] += hstep; minus[j] -= hstep; } else { bp += hstep; bm -= hstep; }
      const g = (objective(plus, bp) - objective(minus, bm)) / (2 * hstep);
      expect(Math.abs(g)).toBeLessThan(1e-5);
    }
    // And it is a minimum: random perturbations never decrease the objective.
    for (let t = 0; t < 20; t++) {
      const d = beta.map((v) => v + 0.01 * rng.normal());
      expect(objective(d, fit.intercept + 0.01 * rng.normal())).toBeGreaterThanOrEqual(fit.objective);
    }
    const probs = logisticProbabilities(x, fit);
    const z0 = fit.intercept + beta.reduce((a, v, j) => a + v * data[j], 0);
    expect(probs[0]).toBeCloseTo(1 / (1 + Math.exp(-z0)), 12);
  });

  it('rejects bad input with messages that name the fix', () => {
    const x = designMatrix(3, 1, [0, 1, 2]);
    expect(() => fitLogisticRegression(x, [0, 1, 2])).toThrow(/must be 0 or 1/);
    expect(() => fitLogisticRegression(x, [0, 1])).toThrow(/one label per row/);
    expect(() => fitLogisticRegression(x, [0, 1, 1], { C: 0 })).toThrow(/C must be > 0/);
    expect(() => fitLogisticRegression(x, [0, 1, 1], { support: [3] })).toThrow(/outside 0..0/);
    expect(() => balancedClassWeights([1, 1])).toThrow(/both classes/);
  });
});
