/**
 * The float32 gradient with respect to a hook point equals the finite difference of the metric under an
 * edit hook there, measured through core's real `model.run()` (its own kernels, fused or not), with the
 * metric computed here by hand from run()'s logits.
 */
import { describe, expect, it } from 'vitest';
import { gradMetrics, logitDiffMetric, type HookedTransformer, type TokenInput } from '../../src/index.js';
import { ARCHS, direction, dot, model, randomTokens } from './helpers.js';

/** Mean next-token cross-entropy of run()'s logits, written out (rows without a next token skipped). */
function lossByHand(logits: Float32Array, tokens: number[][], V: number): number {
  let total = 0, count = 0;
  tokens.forEach((row, b) => {
    for (let t = 0; t + 1 < row.length; t++) {
      const o = (b * row.length + t) * V;
      let max = -Infinity;
      for (let j = 0; j < V; j++) max = Math.max(max, logits[o + j]);
      let s = 0;
      for (let j = 0; j < V; j++) s += Math.exp(logits[o + j] - max);
      total += max + Math.log(s) - logits[o + row[t + 1]];
      count++;
    }
  });
  return total / count;
}

function rms(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a) / a.length);
}

async function runFd(m: HookedTransformer, tokens: number[][], name: string, u: Float64Array, eps: number, value: (l: Float32Array) => number): Promise<number> {
  const at = async (s: number) => {
    const r = await m.run(tokens as TokenInput, { hooks: [{ name, edit: (a) => { for (let i = 0; i < a.data.length; i++) a.data[i] += s * eps * u[i]; } }] });
    return value(r.logits!.data);
  };
  return ((await at(1)) - (await at(-1))) / (2 * eps);
}

const POINTS = ['hook_embed', 'blocks.0.hook_resid_pre', 'blocks.0.ln1.hook_scale', 'blocks.0.attn.hook_q', 'blocks.0.attn.hook_v', 'blocks.1.attn.hook_pattern',
  'blocks.1.attn.hook_z', 'blocks.1.attn.hook_result', 'blocks.0.mlp.hook_post', 'blocks.1.hook_mlp_out', 'blocks.1.hook_resid_post', 'ln_final.hook_normalized'];

describe('float32 hook-point gradients = finite differences through model.run()', () => {
  for (const c of ARCHS) {
    it(c.label, async () => {
      const m = model(c, 7, { fused: true });
      const tokens = randomTokens(2, 6, m.config.dVocab, 8);
      const V = m.config.dVocab;
      const r = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: POINTS, cache: POINTS });
      let seed = 100;
      for (const n of POINTS) {
        const g = r.grads.get(n)!;
        const u = direction(g.data.length, seed++);
        // relu has kinks: a smaller step keeps the line segment on one side of (almost) every one
        const eps = (m.config.act === "relu" ? 1e-3 : 1e-2) * Math.max(1e-3, rms(r.cache.get(n).data));
        const fd = await runFd(m, tokens, n, u, eps, (l) => lossByHand(l, tokens, V));
        const analytic = dot(g.data, u);
        expect(Math.abs(analytic - fd), `${n}: analytic ${analytic} vs run() finite difference ${fd}`).toBeLessThanOrEqual(0.03 * Math.abs(fd) + 1e-4);
      }
    });
  }

  it('a last-position logit difference on a left-padded batch (gpt2)', async () => {
    const m = model(ARCHS[0], 9, { fused: true });
    const batch = { tokens: [[0, 0, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6]], attentionMask: [[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], lengths: [4, 6] };
    const V = m.config.dVocab;
    const diff = (l: Float32Array) => ((l[5 * V + 3] - l[5 * V + 7]) + (l[11 * V + 4] - l[11 * V + 9])) / 2;
    const r = await m.runWithGrad(batch, { metric: gradMetrics.lastPosition(logitDiffMetric([3, 4], [7, 9])), wrt: ['blocks.0.hook_resid_post', 'blocks.1.attn.hook_z'], cache: true });
    expect(r.value).toBeCloseTo(diff(r.logits.data), 5);
    let seed = 7;
    for (const n of ['blocks.0.hook_resid_post', 'blocks.1.attn.hook_z']) {
      const g = r.grads.get(n)!;
      const u = direction(g.data.length, seed++);
      const eps = 1e-2 * rms(r.cache.get(n).data);
      const at = async (s: number) => diff((await m.run(batch, { hooks: [{ name: n, edit: (a) => { for (let i = 0; i < a.data.length; i++) a.data[i] += s * eps * u[i]; } }] })).logits!.data);
      const fd = ((await at(1)) - (await at(-1))) / (2 * eps);
      expect(Math.abs(dot(g.data, u) - fd), n).toBeLessThanOrEqual(0.03 * Math.abs(fd) + 1e-4);
    }
  });
});

describe('float32 weight gradients (backend kernels) = float64 ones (finite-difference checked in model-fd)', () => {
  for (const c of ARCHS) {
    it(c.label, async () => {
      const m = model(c, 11, { fused: true });
      const tokens = randomTokens(2, 6, m.config.dVocab, 12);
      const wrt = m.weightNames();
      const r32 = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt });
      const r64 = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt, precision: 'float64' });
      expect(Math.abs(r32.value - r64.value)).toBeLessThan(1e-5 * Math.abs(r64.value));
      for (const n of wrt) {
        const a = r32.grads.get(n)!.data, b = r64.grads.get(n)!.data;
        let num = 0, den = 0;
        for (let i = 0; i < a.length; i++) {
          num += (a[i] - b[i]) ** 2;
          den += b[i] ** 2;
        }
        // (b_K's gradient is zero up to rounding: a key bias shifts every score of a row alike)
        expect(Math.sqrt(num), n).toBeLessThan(1e-4 * Math.sqrt(den) + 1e-6);
      }
    });
  }
});
