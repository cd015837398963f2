import { ridgeRegression, type DenseMatrix } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { bruteForceLooMse } from '../src/ridge/brute-force-loo.js';
import { logspace, PAPER_ALPHAS, ridgeCv, ridgePredict } from '../src/ridge/ridge-cv.js';
import { column, plantedTargets, randomMatrix } from './helpers.js';

describe('logspace', () => {
  it('is numpy logspace(0.8, 4.1, 12)', () => {
    expect(PAPER_ALPHAS).toHaveLength(12);
    expect(PAPER_ALPHAS[0]).toBeCloseTo(6.309573444801933, 12);
    expect(PAPER_ALPHAS[11]).toBeCloseTo(12589.254117941662, 8);
    // numpy: np.logspace(0.8, 4.1, 12)[1] = 10**1.1
    expect(PAPER_ALPHAS[1]).toBeCloseTo(12.589254117941675, 10);
    expect(logspace(0, 2, 3)).toEqual([1, 10, 100]);
  });
});

describe('efficient leave-one-out equals refitting without each row', () => {
  const alphas = [0.01, 0.3, 2, 17, 400];
  for (const [n, p, t] of [[30, 5, 1], [25, 8, 2], [12, 20, 2], [9, 9, 1]] as const) {
    it(`n=${n}, p=${p}, ${t} target(s) (${n >= p ? 'Gram' : 'kernel'} route)`, () => {
      const x = randomMatrix(n, p, 10 + n);
      const w = Array.from({ length: t }, (_, j) => Array.from({ length: p }, (_, q) => Math.sin(q + j)));
      const y = plantedTargets(x, w, [3, -1].slice(0, t), 0.5, 20 + n);
      const fit = ridgeCv(x, y, alphas);
      const brute = bruteForceLooMse(x, y, alphas);
      fit.looMse.forEach((m, k) => expect(m).toBeCloseTo(brute[k], 9));
      expect(fit.alphaIndex).toBe(brute.indexOf(Math.min(...brute)));
    });
  }
});

describe('against core\'s SVD ridge (closed form b = V diag(s / (s^2 + a)) U^T y)', () => {
  it('gives the same coefficients, intercepts and leave-one-out error per target', () => {
    const x = randomMatrix(40, 6, 3);
    const y = plantedTargets(x, [[1, 0, -2, 0, 0.5, 0], [0, 1, 0, 1, 0, -1]], [5, -2], 0.7, 4);
    const fit = ridgeCv(x, y, PAPER_ALPHAS);
    const refs = [0, 1].map((j) => ridgeRegression(x, column(y, j), PAPER_ALPHAS));
    PAPER_ALPHAS.forEach((_, k) => expect(fit.looMse[k]).toBeCloseTo((refs[0].fits[k].looMse + refs[1].fits[k].looMse) / 2, 10));
    for (const j of [0, 1]) {
      const ref = refs[j].fits[fit.alphaIndex];
      for (let q = 0; q < 6; q++) expect(fit.coefficients.data[q * 2 + j]).toBeCloseTo(ref.coefficients[q], 10);
      expect(fit.intercepts[j]).toBeCloseTo(ref.intercept, 10);
    }
  });
});

describe('planted direction', () => {
  it('recovers a target written along a known direction plus noise, with the expected R^2', () => {
    const n = 2000, p = 16, sigma = 1;
    const x = randomMatrix(n, p, 7);
    const dir = Array.from({ length: p }, (_, q) => (q % 3 === 0 ? 1 : q % 3 === 1 ? -0.5 : 0));
    const norm = Math.hypot(...dir);
    // signal variance |dir|^2 (x standard normal), noise variance sigma^2
    const y = plantedTargets(x, [dir], [10], sigma, 8);
    const train = { rows: 1500, cols: p, data: x.data.subarray(0, 1500 * p) } as DenseMatrix;
    const fit = ridgeCv(train, { rows: 1500, cols: 1, data: y.data.subarray(0, 1500) }, PAPER_ALPHAS);
    const w = Array.from(fit.coefficients.data);
    const cos = w.reduce((s, v, q) => s + v * dir[q], 0) / (Math.hypot(...w) * norm);
    expect(cos).toBeGreaterThan(0.99);
    const test = { rows: 500, cols: p, data: x.data.subarray(1500 * p) } as DenseMatrix;
    const pred = ridgePredict(fit, test);
    const truth = y.data.subarray(1500);
    const m = truth.reduce((a, b) => a + b, 0) / 500;
    const r2 = 1 - truth.reduce((s, v, i) => s + (v - pred.data[i]) ** 2, 0) / truth.reduce((s, v) => s + (v - m) ** 2, 0);
    const expected = norm ** 2 / (norm ** 2 + sigma ** 2);
    expect(Math.abs(r2 - expected)).toBeLessThan(0.03);
  });
});
