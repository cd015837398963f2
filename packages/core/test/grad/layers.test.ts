/**
 * Every layer type's backward against float64 central finite differences of its forward: for a random
 * read-out r, d(Σ r ⊙ forward(x)) / dx along a random direction equals ⟨backward(r), direction⟩.
 */
import { describe, expect, it } from 'vitest';
import { float64Kernels as k, type FloatArray } from '../../src/grad/kernels.js';
import { activationBackward, activationForward, gatedBackward, gatedForward } from '../../src/grad/layers/activations.js';
import {
  attentionAllowed, causalAttentionPattern, gatherHeads, liveRows, headResultsBackward, headResultsForward, mixBackward, mixForward, scatterHeads,
  scoresBackward, scoresForward, softmaxBackward, softmaxForward, type AttentionShape,
} from '../../src/grad/layers/attention.js';
import { crossEntropyForwardBackward } from '../../src/grad/layers/cross-entropy.js';
import { embeddingBackward, embeddingForward } from '../../src/grad/layers/embedding.js';
import { layernormApplyBackward, layernormApplyForward, layernormBackward, layernormScaleBackward, layernormScaleForward } from '../../src/grad/layers/layernorm.js';
import { linearBackward, linearForward } from '../../src/grad/layers/linear.js';
import { rmsnormApplyBackward, rmsnormApplyForward, rmsnormBackward, rmsnormScaleBackward, rmsnormScaleForward } from '../../src/grad/layers/rmsnorm.js';
import { rotaryApply, rotaryTables } from '../../src/grad/layers/rotary.js';
import { direction, dot } from './helpers.js';

const EPS = 1e-6;
let seed = 1000;
const rand = (n: number, scale = 1) => direction(n, seed++).map((v) => v * scale);

/**
 * Checks the gradient of Σ r ⊙ f(inputs) with respect to each named input: `grads` gives the analytic
 * gradients for read-out r (computed once), f is re-run on perturbed copies.
 */
async function check(
  inputs: Record<string, Float64Array>,
  f: (x: Record<string, Float64Array>) => FloatArray | Promise<FloatArray>,
  grads: (r: Float64Array, x: Record<string, Float64Array>) => Record<string, FloatArray> | Promise<Record<string, FloatArray>>,
): Promise<void> {
  const y = await f(inputs);
  const r = rand(y.length);
  const g = await grads(r, inputs);
  for (const name of Object.keys(g)) {
    const u = rand(inputs[name].length);
    const at = async (s: number) => {
      const x = { ...inputs, [name]: inputs[name].map((v, i) => v + s * EPS * u[i]) };
      return dot(await f(x), r);
    };
    const fd = ((await at(1)) - (await at(-1))) / (2 * EPS);
    const analytic = dot(g[name], u);
    expect(Math.abs(analytic - fd), `${name}: ${analytic} vs ${fd}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(fd)));
  }
}

const zeros = (n: number) => new Float64Array(n);

describe('layer forward/backward pairs (float64 finite differences)', () => {
  it('embedding (repeated ids add up)', async () => {
    const ids = Int32Array.from([2, 0, 2, 1]);
    await check({ table: rand(3 * 5) }, ({ table }) => { const o = zeros(4 * 5); embeddingForward(o, ids, table, 5); return o; },
      (r) => { const d = zeros(15); embeddingBackward(d, ids, r, 5); return { table: d }; });
  });

  it('linear with bias', async () => {
    const [rows, nIn, nOut] = [3, 4, 5];
    await check({ x: rand(rows * nIn), w: rand(nIn * nOut), b: rand(nOut) }, ({ x, w, b }) => linearForward(k, x, w, b, rows, nIn, nOut),
      async (r, { x, w }) => {
        const dw = zeros(nIn * nOut), db = zeros(nOut);
        const dx = await linearBackward(k, r, x, w, dw, db, rows, nIn, nOut);
        return { x: dx!, w: dw, b: db };
      });
  });

  for (const kind of ['layernorm', 'rmsnorm'] as const) {
    it(`${kind}: scale and apply, composed and with the scale held`, async () => {
      const [rows, d, eps] = [3, 6, 1e-5];
      const scaleF = kind === 'layernorm' ? layernormScaleForward : rmsnormScaleForward;
      const full = ({ x, w, b }: Record<string, Float64Array>) => {
        const s = zeros(rows); scaleF(s, x, rows, d, eps);
        const y = zeros(rows * d);
        if (kind === 'layernorm') layernormApplyForward(y, x, s, w, b, rows, d); else rmsnormApplyForward(y, x, s, w, rows, d);
        return y;
      };
      const backward = (r: Float64Array, { x, w }: Record<string, Float64Array>, scale?: Float64Array) => {
        const s = scale ?? (() => { const t = zeros(rows); scaleF(t, x, rows, d, eps); return t; })();
        const dx = zeros(rows * d), ds = zeros(rows), dw = zeros(d), db = zeros(d);
        if (kind === 'layernorm') layernormApplyBackward(dx, ds, dw, db, r, x, s, w, rows, d); else rmsnormApplyBackward(dx, ds, dw, r, x, s, w, rows, d);
        return { dx, ds, dw, db, s };
      };
      const inputs = { x: rand(rows * d, 2), w: rand(d), b: rand(d) };
      await check(inputs, full, (r, x): Record<string, FloatArray> => {
        const { dx, ds, dw, db, s } = backward(r, x);
        if (kind === 'layernorm') layernormScaleBackward(dx, ds, x.x, s, rows, d); else rmsnormScaleBackward(dx, ds, x.x, s, rows, d);
        return kind === 'layernorm' ? { x: dx, w: dw, b: db } : { x: dx, w: dw };
      });
      // the apply step alone, scale an input (what a frozen hook_scale leaves)
      const frozen = rand(rows).map((v) => 1 + 0.2 * Math.abs(v));
      const apply = ({ x, w, b, s }: Record<string, Float64Array>) => {
        const y = zeros(rows * d);
        if (kind === 'layernorm') layernormApplyForward(y, x, s, w, b, rows, d); else rmsnormApplyForward(y, x, s, w, rows, d);
        return y;
      };
      await check({ ...inputs, s: frozen }, apply, (r, x) => { const { dx, ds } = backward(r, x, x.s); return { x: dx, s: ds }; });
      // the fused one-pass backward of the whole norm (what runWithGrad uses when nothing hooks the scale)
      await check(inputs, full, (r, { x, w }): Record<string, FloatArray> => {
        const s = zeros(rows); scaleF(s, x, rows, d, eps);
        const dx = zeros(rows * d), dw = zeros(d), db = zeros(d);
        if (kind === 'layernorm') layernormBackward(dx, dw, db, r, x, s, w, rows, d); else rmsnormBackward(dx, dw, r, x, s, w, rows, d);
        return kind === 'layernorm' ? { x: dx, w: dw, b: db } : { x: dx, w: dw };
      });
    });
  }

  for (const style of ['half', 'interleaved'] as const) {
    it(`rotary ${style}, partial (rotaryDim < dHead), explicit positions`, async () => {
      const [rows, H, dh] = [4, 2, 6];
      const t = rotaryTables(Int32Array.from([0, 0, 3, 7]), 4, 10000, style);
      await check({ x: rand(rows * H * dh) }, ({ x }) => { const o = zeros(x.length); rotaryApply(o, x, rows, H, dh, t, 1); return o; },
        (r) => { const o = zeros(r.length); rotaryApply(o, r, rows, H, dh, t, -1); return { x: o }; });
    });
  }

  for (const act of ['gelu_new', 'gelu', 'silu', 'relu'] as const) {
    it(`${act}, plain and gated`, async () => {
      const n = 12;
      // the backward steps overwrite the upstream gradient (and the sigmoid buffer): give them copies
      await check({ pre: rand(n, 2) }, ({ pre }) => activationForward(k, act, pre), (r, { pre }) => ({ pre: activationBackward(act, r.slice(), pre) }));
      await check({ gate: rand(n, 2), lin: rand(n) }, ({ gate, lin }) => gatedForward(k, act, gate, lin),
        (r, { gate, lin }) => { const g = gatedBackward(k, act, r.slice(), gate, lin); return { gate: g.dgate, lin: g.dlinear }; });
      if (act === 'silu') {
        // with the forward's σ(gate) buffer (what runWithGrad passes): dlinear comes back in that buffer
        await check({ gate: rand(n, 2), lin: rand(n) }, ({ gate, lin }) => gatedForward(k, act, gate, lin, zeros(n)),
          (r, { gate, lin }) => {
            const sigmoid = zeros(n);
            gatedForward(k, act, gate, lin, sigmoid);
            const g = gatedBackward(k, act, r.slice(), gate, lin, sigmoid);
            expect(g.dlinear).toBe(sigmoid);
            return { gate: g.dgate, lin: g.dlinear };
          });
      }
    });
  }

  it('cross-entropy (mean over targets, −1 skipped)', async () => {
    const [rows, V] = [4, 5];
    const targets = Int32Array.from([1, -1, 4, 0]);
    const logits = rand(rows * V, 2);
    const { dlogits } = crossEntropyForwardBackward((n) => new Float64Array(n), logits, targets, rows, V);
    const u = rand(rows * V);
    const at = (s: number) => crossEntropyForwardBackward((n) => new Float64Array(n), logits.map((v, i) => v + s * EPS * u[i]), targets, rows, V).loss;
    const fd = (at(1) - at(-1)) / (2 * EPS);
    expect(Math.abs(dot(dlogits, u) - fd)).toBeLessThan(1e-7);
  });

  it('attention: scores (causal + key padding), softmax, mixing, per-head results, GQA gather/scatter', async () => {
    const s: AttentionShape = { batch: 2, seq: 4, nHeads: 4, nKvHeads: 2, dHead: 3 };
    const { batch: B, seq: T, nHeads: H, nKvHeads: K, dHead: dh } = s;
    const keyMask = Uint8Array.from([0, 1, 1, 1, 1, 1, 1, 1]); // row 0 is left-padded by one
    const allowed = attentionAllowed(keyMask, B, T);
    const d = 5;
    const attn = async ({ q, kk, v, wO }: Record<string, Float64Array>) => {
      const qh = gatherHeads(k, q, s, H), kh = gatherHeads(k, kk, s, K), vh = gatherHeads(k, v, s, K);
      const p = await causalAttentionPattern(k, qh, kh, allowed, s);
      const zh = await mixForward(k, p, vh, s);
      return headResultsForward(k, zh, wO, s, d);
    };
    await check({ q: rand(B * T * H * dh), kk: rand(B * T * K * dh), v: rand(B * T * K * dh), wO: rand(H * dh * d) }, attn, async (r, { q, kk, v, wO }) => {
      const qh = gatherHeads(k, q, s, H), kh = gatherHeads(k, kk, s, K), vh = gatherHeads(k, v, s, K);
      const p = await causalAttentionPattern(k, qh, kh, allowed, s);
      const zh = await mixForward(k, p, vh, s);
      const dwO = zeros(wO.length);
      const dzh = await headResultsBackward(k, r, zh, wO, dwO, s, d);
      const { dpattern, dvh } = await mixBackward(k, dzh, p, vh, s);
      // the 1/√dh of the scores folded into the softmax backward (as runWithGrad's one-pass path does)
      const ds = softmaxBackward(new Float64Array(p.length), dpattern, p, allowed, s, { rowLive: liveRows(allowed, B, T) }, 1 / Math.sqrt(dh));
      const { dqh, dkh } = await scoresBackward(k, ds, qh, kh, s, true);
      return { q: scatterHeads(k, dqh, s, H), kk: scatterHeads(k, dkh, s, K), v: scatterHeads(k, dvh, s, K), wO: dwO };
    });
    // the separate steps (something reads the scores or the pattern): scores, general softmax, their backward
    await check({ q: rand(B * T * H * dh), kk: rand(B * T * K * dh) }, async ({ q, kk }) => {
      const sc = await scoresForward(k, gatherHeads(k, q, s, H), gatherHeads(k, kk, s, K), allowed, s);
      const p = zeros(sc.length); softmaxForward(p, sc, B * H * T, T);
      return p;
    }, async (r, { q, kk }) => {
      const qh = gatherHeads(k, q, s, H), kh = gatherHeads(k, kk, s, K);
      const sc = await scoresForward(k, qh, kh, allowed, s);
      const p = zeros(sc.length); softmaxForward(p, sc, B * H * T, T);
      const { dqh, dkh } = await scoresBackward(k, softmaxBackward(zeros(p.length), r, p, allowed, s), qh, kh, s);
      return { q: scatterHeads(k, dqh, s, H), kk: scatterHeads(k, dkh, s, K) };
    });
    // the general softmax and its backward alone
    const rows = B * H * T;
    await check({ x: rand(rows * T) }, ({ x }) => { const o = zeros(x.length); softmaxForward(o, x, rows, T); return o; }, (r, { x }) => {
      const p = zeros(x.length); softmaxForward(p, x, rows, T);
      return { x: softmaxBackward(new Float64Array(p.length), r, p, new Uint8Array(B * T * T).fill(1), s) };
    });
  });
});
