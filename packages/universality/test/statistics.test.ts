import { createRng } from '@marr/core';
import { describe, expect, it } from 'vitest';
import {
  bestBinaryFeature, categoricalReduction, familiesOf, maxCorrelations, momentsFromPowerSums, pearsonFromSums, StreamingSums, vectorMoments, centredSquares,
} from '../src/index.js';

/** Two-pass Pearson in float64: the independent reference. */
function twoPass(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) ** 2; syy += (y[i] - my) ** 2; }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

describe('correlation from sums', () => {
  it('equals the two-pass formula (float64 sums: 1e-12)', () => {
    const rng = createRng(1);
    const n = 5000;
    const x = Array.from({ length: n }, () => 3 + rng.normal());
    const y = x.map((v) => 0.6 * v + 0.8 * rng.normal() - 2);
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (let i = 0; i < n; i++) { sx += x[i]; sy += y[i]; sxx += x[i] ** 2; syy += y[i] ** 2; sxy += x[i] * y[i]; }
    const r = pearsonFromSums(sxy, sx, sy, centredSquares(sx, sxx, n), centredSquares(sy, syy, n), n);
    expect(Math.abs(r - twoPass(x, y))).toBeLessThan(1e-12);
    expect(pearsonFromSums(1, 1, 1, 0, 5, 10)).toBe(0); // a constant neuron correlates 0 (NaN -> 0)
  });

  it('StreamingSums over batches (float32 products on the matmul) matches the two-pass max correlations', async () => {
    const rng = createRng(2);
    const rows = 24, cols = 40, others = 2, n = 3000;
    const x = new Float32Array(n * rows).map(() => rng.normal());
    const y = [0, 1].map(() => new Float32Array(n * cols).map(() => rng.normal()));
    // Plant: column 7 of model a = 2 x row 3 + noise, column 30 of model b = -row 3 (so its max is elsewhere).
    for (let t = 0; t < n; t++) {
      y[0][t * cols + 7] = 2 * x[t * rows + 3] + 0.1 * rng.normal() + 5;
      y[1][t * cols + 30] = -x[t * rows + 3];
    }
    const b = y.map((a) => a.map((v) => v * 0.5));
    const sums = new StreamingSums({ rows, cols, others, vocab: 0, positions: 0 });
    for (let start = 0; start < n; start += 700) {
      const end = Math.min(n, start + 700);
      await sums.add({
        n: end - start, x: x.slice(start * rows, end * rows), y: y.map((a) => a.slice(start * cols, end * cols)), b: b.map((a) => a.slice(start * cols, end * cols)),
        token: new Int32Array(0), previous: new Int32Array(0), position: new Int32Array(0),
      });
    }
    const s = sums.sums;
    expect(s.n.data[0]).toBe(n);
    for (let m = 0; m < others; m++) {
      const best = maxCorrelations(s.xy.data.subarray(m * rows * cols, (m + 1) * rows * cols), { sum: s['x.sum'].data, sq: s['x.sq'].data },
        { sum: s['y.sum'].data.subarray(m * cols, (m + 1) * cols), sq: s['y.sq'].data.subarray(m * cols, (m + 1) * cols) }, n);
      for (let i = 0; i < rows; i++) {
        const xi = Array.from({ length: n }, (_, t) => x[t * rows + i]);
        const ref = Array.from({ length: cols }, (_, j) => twoPass(xi, Array.from({ length: n }, (_, t) => y[m][t * cols + j])));
        const refMax = Math.max(...ref);
        expect(Math.abs(best.corr[i] - refMax)).toBeLessThan(1e-5);
        expect(ref[best.index[i]]).toBeCloseTo(refMax, 5);
      }
      if (m === 0) {
        expect(best.index[3]).toBe(7);
        expect(best.corr[3]).toBeGreaterThan(0.99);
      } else {
        expect(best.index[3]).not.toBe(30);
      }
    }
  });
});

describe('neuron statistics', () => {
  it('moments from power sums equal the two-pass moments', () => {
    const rng = createRng(3);
    const v = Array.from({ length: 20000 }, () => Math.max(0, rng.normal()) ** 2 - 0.1);
    let s1 = 0, s2 = 0, s3 = 0, s4 = 0;
    for (const x of v) { s1 += x; s2 += x * x; s3 += x ** 3; s4 += x ** 4; }
    const a = momentsFromPowerSums(v.length, s1, s2, s3, s4);
    const b = vectorMoments(v);
    expect(a.mean).toBeCloseTo(b.mean, 12);
    expect(a.variance).toBeCloseTo(b.variance, 10);
    expect(a.skew).toBeCloseTo(b.skew, 8);
    expect(a.kurtosis).toBeCloseTo(b.kurtosis, 7);
    // A Gaussian's kurtosis (not excess) is 3.
    expect(vectorMoments(Array.from({ length: 200000 }, () => rng.normal())).kurtosis).toBeCloseTo(3, 1);
  });

  it('variance reduction from grouped sums equals a brute-force split and finds the planted token and position', () => {
    const rng = createRng(4);
    const n = 4000, rows = 2, V = 10, P = 8;
    const token = Array.from({ length: n }, () => rng.int(V));
    const position = Array.from({ length: n }, (_, t) => t % P);
    // Neuron 0 fires on token 7; neuron 1 follows the position.
    const x = token.map((tok, t) => [(tok === 7 ? 3 : 0) + 0.3 * rng.normal(), position[t] + 0.2 * rng.normal()]);
    const group = (keys: number[], size: number) => {
      const counts = new Float64Array(size), sums = new Float64Array(size * rows), squares = new Float64Array(size * rows);
      keys.forEach((k, t) => { counts[k]++; for (let i = 0; i < rows; i++) { sums[k * rows + i] += x[t][i]; squares[k * rows + i] += x[t][i] ** 2; } });
      return [counts, sums, squares] as const;
    };
    const totals = (i: number) => [n, x.reduce((a, r) => a + r[i], 0), x.reduce((a, r) => a + r[i] ** 2, 0)] as const;
    const byToken = group(token, V);
    const best = bestBinaryFeature(0, rows, ...totals(0), ...byToken);
    expect(best.group).toBe(7);
    // Brute force: (Var - p Var_true - (1 - p) Var_false) / Var with population variances.
    const pv = (v: number[]) => { const m = v.reduce((a, b) => a + b, 0) / v.length; return v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length; };
    const all = x.map((r) => r[0]);
    const inside = all.filter((_, t) => token[t] === 7), outside = all.filter((_, t) => token[t] !== 7);
    const ref = (pv(all) - (inside.length / n) * pv(inside) - (outside.length / n) * pv(outside)) / pv(all);
    expect(best.reduction).toBeCloseTo(ref, 10);
    expect(best.reduction).toBeGreaterThan(0.85); // signal variance 9 x 0.1 x 0.9 = 0.81 of 0.81 + 0.09
    expect(categoricalReduction(1, rows, ...totals(1), ...group(position, P))).toBeGreaterThan(0.95);
    expect(categoricalReduction(0, rows, ...totals(0), ...group(position, P))).toBeLessThan(0.01);
    expect(familiesOf({ vocabSkew: 1, vocabKurtosis: 12, tokenReduction: best.reduction, previousTokenReduction: 0.1, positionReduction: 0 }, { vocabKurtosis: 10, familyThreshold: 0.5 }))
      .toEqual(['prediction', 'unigram']);
    expect(familiesOf({ vocabSkew: -1, vocabKurtosis: 12, tokenReduction: null, previousTokenReduction: null, positionReduction: 0.7 }, { vocabKurtosis: 10, familyThreshold: 0.5 }))
      .toEqual(['suppression', 'position']);
  });
});
