/**
 * Edit hooks are respected by the backward pass (edited elements are constants), a frozen hook_scale
 * gives the frozen-norm gradient, and grad hooks see and change the gradient. Each analytic gradient is
 * checked against float64 central finite differences of the model with the same edits applied in the
 * perturbed runs.
 */
import { describe, expect, it } from 'vitest';
import { gradMetrics, type Float32Tensor, type Hook, type HookedTransformer, type TokenInput } from '../../src/index.js';
import { ARCHS, direction, dot, maxAbs, maxAbsDiff, model, randomTokens } from './helpers.js';

const EPS = 1e-5;

/** FD along u at hook point `name` of the float64 value with `hooks` applied. */
async function fdAt(m: HookedTransformer, tokens: TokenInput, hooks: Hook[], name: string, u: Float64Array): Promise<number> {
  const at = async (s: number) => (await m.runWithGrad(tokens, {
    metric: gradMetrics.loss(), wrt: [], precision: 'float64',
    hooks: [{ name, edit: (a) => { for (let i = 0; i < a.data.length; i++) a.data[i] += s * EPS * u[i]; } }, ...hooks],
  })).value;
  return ((await at(1)) - (await at(-1))) / (2 * EPS);
}

function expectClose(analytic: number, fd: number, what: string): void {
  expect(Math.abs(analytic - fd), `${what}: ${analytic} vs ${fd}`).toBeLessThanOrEqual(1e-5 * Math.max(1e-3, Math.abs(fd)));
}

/** A fixed tensor: the value a hook point had on other tokens (so an edit with it changes every element). */
async function valueOn(m: HookedTransformer, tokens: number[][], name: string): Promise<Float32Tensor> {
  const r = await m.run(tokens, { cache: [name] });
  return r.cache.get(name);
}

describe('edits during runWithGrad', () => {
  const llama = ARCHS[2];
  const gpt2 = ARCHS[0];

  it('patched positions and an ablated head are constants (llama GQA)', async () => {
    const m = model(llama, 21);
    const tokens = randomTokens(2, 6, m.config.dVocab, 22);
    const clean = await valueOn(m, randomTokens(2, 6, m.config.dVocab, 23), 'blocks.0.hook_resid_mid');
    const hooks: Hook[] = [
      { name: 'blocks.0.hook_resid_mid', edit: () => clean, positions: [2, 4] },
      { name: 'blocks.1.attn.hook_z', edit: (z) => { z.data.fill(0); }, heads: [1] },
    ];
    const wrt = ['blocks.0.hook_resid_pre', 'blocks.0.attn.hook_z', 'blocks.1.attn.hook_v'];
    const r = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt, hooks, precision: 'float64' });
    // the patched rows of resid_mid pass nothing back: block 0's attention output at positions 2 and 4 is cut
    const z0 = r.grads.get('blocks.0.attn.hook_z')!;
    const [B, T, H, dh] = z0.shape;
    for (let b = 0; b < B; b++) for (const t of [2, 4]) for (let h = 0; h < H; h++) for (let i = 0; i < dh; i++) expect(z0.get(b, t, h, i)).toBe(0);
    let seed = 30;
    for (const n of wrt) {
      const u = direction(r.grads.get(n)!.data.length, seed++);
      expectClose(dot(r.grads.get(n)!.data, u), await fdAt(m, tokens, hooks, n, u), n);
    }
  });

  it('a frozen hook_scale gives the frozen-norm gradient (gpt2, LayerNorm)', async () => {
    const m = model(gpt2, 24);
    const tokens = randomTokens(1, 6, m.config.dVocab, 25);
    const frozen = await valueOn(m, randomTokens(1, 6, m.config.dVocab, 26), 'blocks.1.ln2.hook_scale');
    const hooks: Hook[] = [{ name: 'blocks.1.ln2.hook_scale', edit: () => frozen }];
    const r = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: ['blocks.1.hook_resid_mid', 'blocks.1.ln2.hook_normalized', 'blocks.1.ln2.hook_scale'], hooks, precision: 'float64' });
    const u = direction(r.grads.get('blocks.1.hook_resid_mid')!.data.length, 31);
    expectClose(dot(r.grads.get('blocks.1.hook_resid_mid')!.data, u), await fdAt(m, tokens, hooks, 'blocks.1.hook_resid_mid', u), 'resid_mid with ln2 frozen');
    // by hand: with s frozen, ln2 is y = (x − mean x)/s·w + b, so its part of d/dx is centre(w⊙dy/s)
    const dy = r.grads.get('blocks.1.ln2.hook_normalized')!;
    const w = m.getWeight('blocks.1.ln2.w').data;
    const d = m.config.dModel;
    const unfrozen = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: ['blocks.1.hook_resid_mid', 'blocks.1.hook_resid_post'], hooks, precision: 'float64' });
    const viaResidual = unfrozen.grads.get('blocks.1.hook_resid_post')!.data; // resid_mid also feeds resid_post directly
    const got = r.grads.get('blocks.1.hook_resid_mid')!.data;
    const tol = 1e-6 * maxAbs(got); // grads come back in float32
    for (let t = 0; t < 6; t++) {
      let mean = 0;
      for (let j = 0; j < d; j++) mean += (w[j] * dy.data[t * d + j]) / frozen.data[t];
      mean /= d;
      for (let j = 0; j < d; j++) {
        const want = (w[j] * dy.data[t * d + j]) / frozen.data[t] - mean + viaResidual[t * d + j];
        expect(Math.abs(got[t * d + j] - want)).toBeLessThan(tol);
      }
    }
  });

  it('grad hooks: an observer sees what grads reports; zeroing positions at resid_mid = the model with those positions stopped', async () => {
    const m = model(llama, 27);
    const tokens = randomTokens(2, 6, m.config.dVocab, 28);
    let seen: Float64Array | null = null;
    const wrt = ['blocks.0.hook_resid_mid', 'blocks.0.hook_resid_pre', 'hook_embed'];
    const observed = await m.runWithGrad(tokens, {
      metric: gradMetrics.loss(), wrt, precision: 'float64',
      hooks: [{ name: 'blocks.0.hook_resid_mid', grad: (g) => { seen = Float64Array.from(g.data); } }],
    });
    expect(seen).not.toBeNull();
    expect(maxAbsDiff(seen!, observed.grads.get('blocks.0.hook_resid_mid')!.data)).toBeLessThan(1e-6 * maxAbs(seen!));

    const T = 6, d = m.config.dModel;
    const stopped = [1, 3];
    const zeroed = await m.runWithGrad(tokens, {
      metric: gradMetrics.loss(), wrt, precision: 'float64',
      hooks: [{ name: 'blocks.0.hook_resid_mid', grad: (g) => { for (let b = 0; b < 2; b++) for (const t of stopped) g.data.fill(0, (b * T + t) * d, (b * T + t + 1) * d); } }],
    });
    // the stopped model: resid_mid at those positions replaced by constants (their own values), so no gradient passes there
    const own = await m.runWithGrad(tokens, { metric: gradMetrics.loss(), wrt: [], cache: ['blocks.0.hook_resid_mid'], precision: 'float64' });
    const constant = own.cache.get('blocks.0.hook_resid_mid');
    const stop: Hook[] = [{ name: 'blocks.0.hook_resid_mid', positions: stopped, edit: () => constant }];
    let seed = 40;
    for (const n of ['blocks.0.hook_resid_pre', 'hook_embed']) {
      const g = zeroed.grads.get(n)!;
      expect(maxAbsDiff(g.data, observed.grads.get(n)!.data)).toBeGreaterThan(0);
      const u = direction(g.data.length, seed++);
      expectClose(dot(g.data, u), await fdAt(m, tokens, stop, n, u), `${n} upstream of the stopped positions`);
    }
  });
});
