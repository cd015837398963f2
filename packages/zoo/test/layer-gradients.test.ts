import { describe, expect, it } from 'vitest';
import { float64Kernels as k, matmulInto } from '../src/train/kernels.js';
import { embeddingBackward, embeddingForward } from '../src/train/layers/embedding.js';
import { rmsnormBackward, rmsnormForward } from '../src/train/layers/rmsnorm.js';
import { layernormBackward, layernormForward } from '../src/train/layers/layernorm.js';
import { linearBackward, linearForward } from '../src/train/layers/linear.js';
import { applyRotary, rotaryTables } from '../src/train/layers/rotary.js';
import { attentionBackward, attentionForward } from '../src/train/layers/attention.js';
import { geluBackward, geluForward, swigluBackward, swigluForward } from '../src/train/layers/activations.js';
import { crossEntropyForwardBackward } from '../src/train/layers/cross-entropy.js';
import { dotWith, maxRelativeError, numericGradient, randomArray } from './gradient-check.js';

const TOL = 1e-6;

describe('matmulInto (the float64 reference product)', () => {
  it('matches a triple loop for every transpose combination', () => {
    const m = 3, kk = 4, n = 5;
    const A = randomArray(m * kk, 1);
    const B = randomArray(kk * n, 2);
    const want = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < kk; p++) want[i * n + j] += A[i * kk + p] * B[p * n + j];
    const At = new Float64Array(kk * m);
    for (let i = 0; i < m; i++) for (let p = 0; p < kk; p++) At[p * m + i] = A[i * kk + p];
    const Bt = new Float64Array(n * kk);
    for (let p = 0; p < kk; p++) for (let j = 0; j < n; j++) Bt[j * kk + p] = B[p * n + j];
    for (const [a, b, transA, transB] of [[A, B, false, false], [At, B, true, false], [A, Bt, false, true], [At, Bt, true, true]] as const) {
      const out = new Float64Array(m * n);
      matmulInto(out, a, b, { m, k: kk, n, transA, transB });
      expect(maxRelativeError(out, want)).toBeLessThan(1e-12);
    }
  });
});

describe('layer backward passes match float64 central differences', () => {
  it('embedding (token and learned position)', async () => {
    const V = 7, d = 4, T = 3, tokens = Int32Array.from([1, 5, 1, 0, 6, 5]);
    const wte = randomArray(V * d, 1), wpe = randomArray(T * d, 2), r = randomArray(tokens.length * d, 3);
    const f = () => { const out = new Float64Array(tokens.length * d); embeddingForward(out, tokens, wte, wpe, T, d); return dotWith(out, r); };
    const dwte = new Float64Array(V * d), dwpe = new Float64Array(T * d);
    embeddingBackward(r, tokens, dwte, dwpe, T, d);
    expect(maxRelativeError(dwte, await numericGradient(f, wte))).toBeLessThan(TOL);
    expect(maxRelativeError(dwpe, await numericGradient(f, wpe))).toBeLessThan(TOL);
  });

  it('rmsnorm', async () => {
    const rows = 3, d = 6;
    const x = randomArray(rows * d, 4), w = randomArray(d, 5), r = randomArray(rows * d, 6);
    const f = () => { const y = new Float64Array(rows * d); rmsnormForward(y, new Float64Array(rows), x, w, rows, d, 1e-5); return dotWith(y, r); };
    const y = new Float64Array(rows * d), rstd = new Float64Array(rows);
    rmsnormForward(y, rstd, x, w, rows, d, 1e-5);
    const dx = new Float64Array(rows * d), dw = new Float64Array(d);
    rmsnormBackward(dx, dw, r, x, w, rstd, rows, d);
    expect(maxRelativeError(dx, await numericGradient(f, x))).toBeLessThan(TOL);
    expect(maxRelativeError(dw, await numericGradient(f, w))).toBeLessThan(TOL);
  });

  it('layernorm', async () => {
    const rows = 3, d = 6;
    const x = randomArray(rows * d, 7), w = randomArray(d, 8), b = randomArray(d, 9), r = randomArray(rows * d, 10);
    const f = () => { const y = new Float64Array(rows * d); layernormForward(y, new Float64Array(rows), new Float64Array(rows), x, w, b, rows, d, 1e-5); return dotWith(y, r); };
    const y = new Float64Array(rows * d), mean = new Float64Array(rows), rstd = new Float64Array(rows);
    layernormForward(y, mean, rstd, x, w, b, rows, d, 1e-5);
    const dx = new Float64Array(rows * d), dw = new Float64Array(d), db = new Float64Array(d);
    layernormBackward(dx, dw, db, r, x, w, mean, rstd, rows, d);
    expect(maxRelativeError(dx, await numericGradient(f, x))).toBeLessThan(TOL);
    expect(maxRelativeError(dw, await numericGradient(f, w))).toBeLessThan(TOL);
    expect(maxRelativeError(db, await numericGradient(f, b))).toBeLessThan(TOL);
  });

  it('linear with bias', async () => {
    const rows = 4, nIn = 3, nOut = 5;
    const x = randomArray(rows * nIn, 11), w = randomArray(nIn * nOut, 12), b = randomArray(nOut, 13), r = randomArray(rows * nOut, 14);
    const f = async () => dotWith(await linearForward(k, x, w, b, rows, nIn, nOut), r);
    const dw = new Float64Array(nIn * nOut), db = new Float64Array(nOut);
    const dx = await linearBackward(k, r, x, w, dw, db, rows, nIn, nOut);
    expect(maxRelativeError(dx, await numericGradient(f, x))).toBeLessThan(TOL);
    expect(maxRelativeError(dw, await numericGradient(f, w))).toBeLessThan(TOL);
    expect(maxRelativeError(db, await numericGradient(f, b))).toBeLessThan(TOL);
  });

  it('rotary (half convention, partial rotation) and its inverse', async () => {
    const rows = 6, T = 3, H = 2, dh = 6;
    const tables = rotaryTables(T, 4, 10000);
    const x = randomArray(rows * H * dh, 15), r = randomArray(rows * H * dh, 16);
    const f = () => { const y = x.slice(); applyRotary(y, rows, T, H, dh, tables, 1); return dotWith(y, r); };
    const dx = r.slice();
    applyRotary(dx, rows, T, H, dh, tables, -1);
    expect(maxRelativeError(dx, await numericGradient(f, x))).toBeLessThan(TOL);
    // position 0 is unrotated; the last dh − rotaryDim coordinates of each head never rotate
    const y = x.slice();
    applyRotary(y, rows, T, H, dh, tables, 1);
    for (let i = 0; i < H * dh; i++) expect(y[i]).toBe(x[i]);
    for (let row = 0; row < rows; row++) for (let h = 0; h < H; h++) for (const i of [4, 5]) expect(y[row * H * dh + h * dh + i]).toBe(x[row * H * dh + h * dh + i]);
  });

  it('causal grouped-query attention', async () => {
    const s = { batch: 2, seq: 4, nHeads: 4, nKvHeads: 2, dHead: 3 };
    const rows = s.batch * s.seq;
    const q = randomArray(rows * 12, 17), key = randomArray(rows * 6, 18), v = randomArray(rows * 6, 19), r = randomArray(rows * 12, 20);
    const f = async () => dotWith((await attentionForward(k, q, key, v, s)).z, r);
    const { pattern } = await attentionForward(k, q, key, v, s);
    const { dq, dk, dv } = await attentionBackward(k, r, q, key, v, pattern, s);
    expect(maxRelativeError(dq, await numericGradient(f, q))).toBeLessThan(TOL);
    expect(maxRelativeError(dk, await numericGradient(f, key))).toBeLessThan(TOL);
    expect(maxRelativeError(dv, await numericGradient(f, v))).toBeLessThan(TOL);
    // causality: the first query attends only to itself
    expect(pattern[0]).toBeCloseTo(1, 12);
  });

  it('SwiGLU and GELU', async () => {
    const n = 10;
    const gate = randomArray(n, 21, 2), up = randomArray(n, 22), r = randomArray(n, 23);
    const f = () => dotWith(swigluForward(k, gate, up), r);
    const { dgate, dup } = swigluBackward(k, r, gate, up);
    expect(maxRelativeError(dgate, await numericGradient(f, gate))).toBeLessThan(TOL);
    expect(maxRelativeError(dup, await numericGradient(f, up))).toBeLessThan(TOL);
    const fg = () => dotWith(geluForward(k, gate), r);
    expect(maxRelativeError(geluBackward(k, r, gate), await numericGradient(fg, gate))).toBeLessThan(TOL);
    // closed form: gelu_new(1) = 0.5·(1 + tanh(√(2/π)·1.044715))
    expect(geluForward(k, Float64Array.from([1]))[0]).toBeCloseTo(0.8411919906082768, 12);
  });

  it('softmax cross-entropy with ignored positions', async () => {
    const rows = 4, V = 5;
    const logits = randomArray(rows * V, 24, 3);
    const targets = Int32Array.from([2, -1, 0, 4]);
    const f = () => crossEntropyForwardBackward(k, logits, targets, rows, V).loss;
    const { dlogits, loss } = crossEntropyForwardBackward(k, logits, targets, rows, V);
    expect(maxRelativeError(dlogits, await numericGradient(f, logits))).toBeLessThan(TOL);
    // uniform logits give loss log V
    expect(crossEntropyForwardBackward(k, new Float64Array(rows * V), targets, rows, V).loss).toBeCloseTo(Math.log(V), 12);
    expect(loss).toBeGreaterThan(0);
  });
});
