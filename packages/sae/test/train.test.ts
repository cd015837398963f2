/**
 * Training: the planted-dictionary truth (rows made of 3 of 48 known unit atoms plus noise) is recovered
 * by both architectures; the same seed gives the same weights; the shuffle buffer and the geometric
 * median do what they say.
 */
import { describe, expect, it } from 'vitest';
import { createRng, tensor } from '@marr/core';
import { addAuxKGradients, geometricMedian, resampleDeadLatents, ShuffleBuffer, tableActivationSource, trainSae } from '../src/index.js';
import { meanBestCosine, plantedDictionary } from './planted.js';

const planted = plantedDictionary({ d: 32, atoms: 48, active: 3, rows: 20000, noise: 0.02, seed: 1 });

describe('trainSae on a planted sparse dictionary', () => {
  it('topk recovers the atoms (mean best cosine >= 0.9)', async () => {
    const r = await trainSae({ source: tableActivationSource(planted.rows), architecture: 'topk', width: 96, k: 3, tokens: 100_000, batchSize: 256, lr: 5e-3, seed: 0 });
    const cos = meanBestCosine(planted.atoms, r.sae.weights.W_dec.data, 32);
    expect(cos).toBeGreaterThanOrEqual(0.9);
    const last = r.history.at(-1)!;
    expect(last.l0).toBe(3);
    expect(last.fvu).toBeLessThan(0.1);
    // decoder rows are unit norm, and the saved SAE reads raw activations
    const W = r.sae.weights.W_dec.data;
    for (let i = 0; i < 96; i++) {
      let ss = 0;
      for (let j = 0; j < 32; j++) ss += W[i * 32 + j] ** 2;
      expect(Math.sqrt(ss)).toBeCloseTo(1, 4);
    }
    const x = tensor([500, 32], planted.rows.data.subarray(0, 500 * 32));
    const y = await r.sae.forward(x);
    let sse = 0, tss = 0;
    const mean = new Float64Array(32);
    for (let i = 0; i < x.data.length; i++) mean[i % 32] += x.data[i] / 500;
    for (let i = 0; i < x.data.length; i++) { sse += (x.data[i] - y.data[i]) ** 2; tss += (x.data[i] - mean[i % 32]) ** 2; }
    expect(sse / tss).toBeLessThan(0.1);
  });

  it('relu with an L1 penalty recovers the atoms (mean best cosine >= 0.9)', async () => {
    const r = await trainSae({ source: tableActivationSource(planted.rows), architecture: 'relu', width: 96, l1: 2, tokens: 400_000, batchSize: 256, lr: 3e-3, seed: 0 });
    expect(meanBestCosine(planted.atoms, r.sae.weights.W_dec.data, 32)).toBeGreaterThanOrEqual(0.9);
    expect(r.history.at(-1)!.l0).toBeLessThan(12);
  });

  it('is deterministic for a seed, and a different seed gives different weights', async () => {
    const run = (seed: number) => trainSae({ source: tableActivationSource(planted.rows, 1000), architecture: 'topk', width: 32, k: 2, tokens: 5000, batchSize: 128, seed });
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expect(a.sae.weights.W_dec.data).toEqual(b.sae.weights.W_dec.data);
    expect(a.sae.weights.b_dec.data).toEqual(b.sae.weights.b_dec.data);
    expect(a.sae.weights.W_dec.data).not.toEqual(c.sae.weights.W_dec.data);
  });

  it('names bad options', async () => {
    const source = tableActivationSource(planted.rows);
    await expect(trainSae({ source, architecture: 'topk', width: 8, k: 9, tokens: 100 })).rejects.toThrow(/--k 9 is larger than --width 8/);
    await expect(trainSae({ source, architecture: 'topk', width: 8, tokens: 100 })).rejects.toThrow(/--k must be an integer >= 1/);
    await expect(trainSae({ source, architecture: 'gated' as 'relu', width: 8, tokens: 100 })).rejects.toThrow(/architecture must be relu or topk/);
  });
});

describe('ShuffleBuffer', () => {
  it('draws every row, each no more often than it was read, in a seeded order, with bounded memory', async () => {
    const n = 100;
    const rows = tensor([n, 1], Array.from({ length: n }, (_, i) => i));
    const take = async (seed: number) => {
      const buf = new ShuffleBuffer(tableActivationSource(rows, 7), 1, 16, createRng(seed));
      const seen: number[] = [];
      for (let i = 0; i < 20; i++) seen.push(...(await buf.batch(10)).data);
      return { seen, buf };
    };
    const { seen, buf } = await take(3);
    // 200 draws: at most 216 rows read (the buffer holds 16), so at most 3 passes; every row drawn
    expect(buf.rowsRead).toBeLessThanOrEqual(200 + 16);
    const counts = new Map<number, number>();
    for (const v of seen) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect(counts.size).toBe(n);
    const readTimes = (v: number) => Math.floor(buf.rowsRead / n) + (v < buf.rowsRead % n ? 1 : 0);
    for (const [v, c] of counts) expect(c).toBeLessThanOrEqual(readTimes(v));
    expect(seen.slice(0, n)).not.toEqual(Array.from({ length: n }, (_, i) => i));
    expect((await take(3)).seen).toEqual(seen);
    expect((await take(4)).seen).not.toEqual(seen);
  });
});

describe('resampleDeadLatents', () => {
  it('gives a dead latent the unit residual of a high-error row, a scaled encoder column and fresh moments', () => {
    const dIn = 2, width = 3, rows = 3;
    const W_enc = new Float32Array([1, 0, 0, 0, 1, 0]); // columns: latent 0 = e0, latent 1 = e1, latent 2 dead
    const W_dec = new Float32Array([1, 0, 0, 1, 0.6, 0.8]);
    const b_enc = new Float32Array([0.1, 0.1, 0.5]);
    // only row 1 has an error, so it must be picked
    const residual = new Float32Array([0, 0, 3, 4, 0, 0]);
    const m = new Float32Array(20).fill(1);
    const picked = resampleDeadLatents({ dead: [2], residual, rows, dIn, width, W_enc, b_enc, W_dec, moments: [m], offsets: { W_enc: 0, b_enc: 6, W_dec: 9 }, rng: createRng(1) });
    expect(picked).toEqual([1]);
    expect(Array.from(W_dec.subarray(4, 6))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(W_enc[2]).toBeCloseTo(0.2 * 0.6, 6); // alive encoder norms are 1
    expect(W_enc[5]).toBeCloseTo(0.2 * 0.8, 6);
    expect(b_enc[2]).toBe(0);
    expect([m[2], m[5], m[8], m[13], m[14]]).toEqual([0, 0, 0, 0, 0]);
    expect([m[0], m[6], m[9]]).toEqual([1, 1, 1]);
  });
});

describe('addAuxKGradients', () => {
  it('matches central finite differences of the aux-k loss (pre-activations recomputed from W_enc, b_enc, b_dec)', () => {
    const rows = 3, dIn = 4, width = 6, dead = [1, 3, 4], kAux = 2, coef = 0.5;
    const rng = createRng(11);
    const r = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const x = r(rows * dIn), error = r(rows * dIn);
    const params = { W_enc: r(dIn * width), b_enc: r(width), W_dec: r(width * dIn), b_dec: r(dIn) };
    const loss = (p: typeof params, grads?: { gW_enc: Float32Array; gb_enc: Float32Array; gW_dec: Float32Array; gb_dec: Float32Array }) => {
      const c = new Float32Array(rows * dIn);
      for (let i = 0; i < c.length; i++) c[i] = x[i] - p.b_dec[i % dIn];
      const pre = new Float32Array(rows * width);
      for (let q = 0; q < rows; q++) for (let j = 0; j < width; j++) {
        let h = p.b_enc[j];
        for (let i = 0; i < dIn; i++) h += c[q * dIn + i] * p.W_enc[i * width + j];
        pre[q * width + j] = h;
      }
      const g = grads ?? { gW_enc: new Float32Array(dIn * width), gb_enc: new Float32Array(width), gW_dec: new Float32Array(width * dIn), gb_dec: new Float32Array(dIn) };
      return addAuxKGradients({ pre, error, encoderInput: c, rows, dIn, width, dead, kAux, coef, W_enc: p.W_enc, W_dec: p.W_dec, ...g });
    };
    const grads = { gW_enc: new Float32Array(dIn * width), gb_enc: new Float32Array(width), gW_dec: new Float32Array(width * dIn), gb_dec: new Float32Array(dIn) };
    expect(loss(params, grads)).toBeGreaterThan(0);
    const h = 1e-2;
    let worst = 0, checked = 0;
    for (const [name, gname] of [['W_enc', 'gW_enc'], ['b_enc', 'gb_enc'], ['W_dec', 'gW_dec'], ['b_dec', 'gb_dec']] as const) {
      for (let i = 0; i < params[name].length; i++) {
        const plus = { ...params, [name]: params[name].slice() }; plus[name][i] += h;
        const minus = { ...params, [name]: params[name].slice() }; minus[name][i] -= h;
        const fd = (loss(plus) - loss(minus)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - grads[gname][i]) / (1e-2 + Math.abs(fd)));
        if (grads[gname][i] !== 0) checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(worst).toBeLessThan(2e-2);
    // live latents get no gradient from the aux loss
    for (const live of [0, 2, 5]) expect(grads.gb_enc[live]).toBe(0);
  });
});

describe('geometricMedian', () => {
  it('minimises the sum of distances (checked against nearby points) and ignores an outlier the mean follows', () => {
    const pts = [[0, 0], [1, 0], [0, 1], [1, 1], [100, 100]];
    const x = tensor([5, 2], pts.flat());
    const m = geometricMedian(x);
    const cost = (p: ArrayLike<number>) => pts.reduce((s, q) => s + Math.hypot(q[0] - p[0], q[1] - p[1]), 0);
    const c0 = cost(m);
    for (const [dx, dy] of [[1e-3, 0], [-1e-3, 0], [0, 1e-3], [0, -1e-3]]) expect(cost([m[0] + dx, m[1] + dy])).toBeGreaterThanOrEqual(c0 - 1e-9);
    expect(m[0]).toBeLessThan(1.5); // the mean is 20.4
  });
});
