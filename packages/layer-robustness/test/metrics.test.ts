import { tensor } from '@marr/core';
import { describe, expect, it } from 'vitest';
import {
  argmaxAgreement, crossEntropy, entropy, klDivergence, logSumExp, meanWithStderr, moments, RunningMean, RunningRatio, tokenRank, top1Correct,
} from '../src/index.js';

const logits = (probs: number[][]) => tensor([probs.length, probs[0].length], probs.flat().map(Math.log));

describe('distribution metrics on hand-checked cases', () => {
  it('KL divergence matches the closed form and is zero for identical or shifted logits', () => {
    const p = logits([[0.5, 0.5], [0.1, 0.9]]);
    const q = logits([[0.25, 0.75], [0.1, 0.9]]);
    const kl = klDivergence(p, q);
    expect(kl[0]).toBeCloseTo(0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75), 6);
    expect(kl[1]).toBeCloseTo(0, 7);
    // Softmax is shift-invariant: adding 3 to every logit changes nothing.
    const shifted = tensor([2, 2], Array.from(q.data, (v) => v + 3));
    expect(klDivergence(p, shifted)[0]).toBeCloseTo(kl[0], 6);
    // KL is not symmetric: KL(q || p) has its own closed form.
    expect(klDivergence(q, p)[0]).toBeCloseTo(0.25 * Math.log(0.25 / 0.5) + 0.75 * Math.log(0.75 / 0.5), 6);
  });

  it('entropy of a uniform distribution is log V (nats) and log2 V (bits); a point mass has ~0', () => {
    const u = tensor([1, 8], new Array(8).fill(0.7));
    expect(entropy(u)[0]).toBeCloseTo(Math.log(8), 10);
    expect(entropy(u, 'bits')[0]).toBeCloseTo(3, 10);
    const point = tensor([1, 4], [50, -50, -50, -50]);
    expect(entropy(point, 'bits')[0]).toBeLessThan(1e-30);
    const third = logits([[0.5, 0.25, 0.25]]);
    expect(entropy(third, 'bits')[0]).toBeCloseTo(1.5, 6);
  });

  it('cross-entropy, top-1 correctness, agreement and rank on a small case', () => {
    const x = logits([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]]);
    expect(Array.from(crossEntropy(x, [1, 2]))).toEqual([expect.closeTo(-Math.log(0.7), 6), expect.closeTo(-Math.log(0.1), 6)]);
    expect(Array.from(top1Correct(x, [1, 2]))).toEqual([1, 0]);
    const y = logits([[0.2, 0.7, 0.1], [0.3, 0.6, 0.1]]);
    expect(Array.from(argmaxAgreement(x, y))).toEqual([1, 0]);
    expect(Array.from(tokenRank(x, [1, 2]))).toEqual([0, 2]);
    expect(Array.from(tokenRank(tensor([1, 3], [1, 1, 1]), [1]))).toEqual([1]);
    expect(logSumExp(x)[0]).toBeCloseTo(0, 6);
  });

  it('rejects bad targets and mismatched shapes with a clear message', () => {
    const x = logits([[0.5, 0.5]]);
    expect(() => crossEntropy(x, [2])).toThrow(/target 2 at row 0 is outside the vocabulary \[0, 2\)/);
    expect(() => crossEntropy(x, [0, 1])).toThrow(/1 rows of logits but 2 targets/);
    expect(() => klDivergence(x, logits([[0.2, 0.3, 0.5]]))).toThrow(/same shape/);
  });
});

describe('means and standard errors', () => {
  it('matches the textbook mean and s / sqrt(n)', () => {
    const r = meanWithStderr([1, 2, 3, 4]);
    expect(r.mean).toBe(2.5);
    // sample sd of 1..4 is sqrt(5/3)
    expect(r.stderr).toBeCloseTo(Math.sqrt(5 / 3) / 2, 12);
    expect(meanWithStderr([7]).stderr).toBe(0);
  });

  it('is stable for a large offset (Welford)', () => {
    const acc = new RunningMean();
    for (const v of [1e9 + 1, 1e9 + 2, 1e9 + 3]) acc.add(v);
    expect(acc.variance).toBeCloseTo(1, 9);
  });

  it('ratio of paired means with the delta-method standard error', () => {
    const a = [1, 0, 1, 1, 0, 1, 0, 1];
    const b = [1, 1, 1, 1, 0, 1, 1, 1];
    const r = new RunningRatio();
    a.forEach((x, i) => r.add(x, b[i]));
    const n = a.length;
    const ma = a.reduce((s, x) => s + x, 0) / n, mb = b.reduce((s, x) => s + x, 0) / n;
    const R = ma / mb;
    // Two-pass: z_i = a_i - R b_i has mean 0; SE = sd(z) / sqrt(n) / mean(b).
    const z = a.map((x, i) => x - R * b[i]);
    const sdz = Math.sqrt(z.reduce((s, x) => s + x * x, 0) / (n - 1));
    expect(r.ratio).toBeCloseTo(5 / 7, 12);
    expect(r.stderr).toBeCloseTo(sdz / Math.sqrt(n) / mb, 12);
  });
});

describe('moments', () => {
  it('matches hand computation on a small vector', () => {
    // values 0,0,0,4: mean 1, deviations -1,-1,-1,3; m2 = 3, m3 = (−3 + 27)/4 = 6, m4 = (3 + 81)/4 = 21
    const m = moments([0, 0, 0, 4]);
    expect(m.mean).toBe(1);
    expect(m.variance).toBe(3);
    expect(m.skew).toBeCloseTo(6 / Math.pow(3, 1.5), 12);
    expect(m.kurtosis).toBeCloseTo(21 / 9, 12);
    expect(moments([2, 2, 2])).toEqual({ mean: 2, variance: 0, skew: 0, kurtosis: 0 });
  });

  it('gives kurtosis 3 and skew 0 for a large Gaussian sample, and works on a slice', async () => {
    const { createRng } = await import('@marr/core');
    const rng = createRng(5);
    const x = Array.from({ length: 200_000 }, () => rng.normal());
    const m = moments(x);
    expect(m.kurtosis).toBeCloseTo(3, 1);
    expect(Math.abs(m.skew)).toBeLessThan(0.02);
    expect(moments([9, 0, 0, 0, 4, 9], 1, 4)).toEqual(moments([0, 0, 0, 4]));
  });
});
