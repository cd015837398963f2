/**
 * Splicing: with the error term the logits are the plain model's; without it the hook's value is
 * decode(encode(x)) and the logits equal a hand-written edit hook that puts the by-hand reconstruction
 * at the hook.
 */
import { describe, expect, it } from 'vitest';
import { gradMetrics, randomModel, tensor } from '@marr/core';
import { withSaes } from '../src/index.js';
import { maxAbsDiff, randomSae, reluSaeByHand } from './helpers.js';

const cfg = { architecture: 'gpt2' as const, dVocab: 40, dModel: 16, nLayers: 2, nHeads: 2, dHead: 8, dMlp: 32, nCtx: 12 };
const hook = 'blocks.0.hook_resid_post';
const tokens = [[1, 5, 9, 3, 7, 2], [4, 4, 8, 1, 0, 6]];

describe('withSaes', () => {
  const model = randomModel(cfg, { seed: 3, std: 0.2 });
  const sae = randomSae(16, 24, { seed: 5, hookName: hook });

  it('with the error term the forward pass is unchanged and the latents are cached', async () => {
    const plain = await model.run(tokens, { cache: [hook] });
    const spliced = withSaes(model, [sae], { useErrorTerm: true });
    const r = await spliced.run(tokens, { cache: true });
    expect(maxAbsDiff(r.logits!.data, plain.logits!.data)).toBeLessThan(1e-4);
    const x = plain.cache.get(hook);
    const byHand = reluSaeByHand(sae, x);
    const acts = r.cache.get(`${hook}.hook_sae_acts_post`);
    expect(acts.shape).toEqual([2, 6, 24]);
    expect(maxAbsDiff(acts.data, byHand.latents)).toBeLessThan(1e-4);
    const err = r.cache.get(`${hook}.hook_sae_error`);
    const wantErr = Array.from(x.data, (v, i) => v - byHand.recons[i]);
    expect(maxAbsDiff(err.data, wantErr)).toBeLessThan(1e-4);
    expect(r.cache.has('blocks.1.hook_resid_post')).toBe(true);
    expect(spliced.hookPoints()).toContain(`${hook}.hook_sae_acts_post`);
  });

  it('without the error term the hook value is decode(encode(x)) and the logits match a hand-written splice', async () => {
    const plain = await model.run(tokens, { cache: [hook] });
    const x = plain.cache.get(hook);
    const spliced = withSaes(model, [sae]);
    const r = await spliced.run(tokens, { cache: [hook, `${hook}.hook_sae_recons`] });
    const recon = await sae.decode(await sae.encode(tensor([12, 16], x.data)));
    expect(maxAbsDiff(r.cache.get(hook).data, recon.data)).toBeLessThan(1e-5);
    expect(maxAbsDiff(r.cache.get(`${hook}.hook_sae_recons`).data, recon.data)).toBeLessThan(1e-5);
    expect(r.cache.has(`${hook}.hook_sae_acts_post`)).toBe(false);
    const byHand = reluSaeByHand(sae, x);
    const ref = await model.run(tokens, { hooks: [{ name: hook, edit: (t) => { for (let i = 0; i < t.data.length; i++) t.data[i] = byHand.recons[i]; } }] });
    expect(maxAbsDiff(r.logits!.data, ref.logits!.data)).toBeLessThan(1e-4);
    const diffFromPlain = maxAbsDiff(r.logits!.data, plain.logits!.data);
    expect(diffFromPlain).toBeGreaterThan(1e-3); // the splice really changed the forward pass
  });

  it('an edit of hook_sae_acts_post steers the model; the error term stays the clean one', async () => {
    const spliced = withSaes(model, [sae], { useErrorTerm: true });
    const plain = await model.run(tokens, { cache: [hook] });
    const x = plain.cache.get(hook);
    const clean = reluSaeByHand(sae, x);
    const feature = 3;
    const r = await spliced.run(tokens, {
      cache: [`${hook}.hook_sae_error`, `${hook}.hook_sae_output`],
      hooks: [{ name: `${hook}.hook_sae_acts_post`, edit: (t) => { for (let p = 0; p < 12; p++) t.data[p * 24 + feature] = 2; } }],
    });
    expect(maxAbsDiff(r.cache.get(`${hook}.hook_sae_error`).data, Array.from(x.data, (v, i) => v - clean.recons[i]))).toBeLessThan(1e-4);
    // output = x + (2 - z_feature) * W_dec[feature]
    const wdec = sae.weights.W_dec.data;
    const want = Array.from(x.data, (v, i) => v + (2 - clean.latents[Math.floor(i / 16) * 24 + feature]) * wdec[feature * 16 + (i % 16)]);
    expect(maxAbsDiff(r.cache.get(`${hook}.hook_sae_output`).data, want)).toBeLessThan(1e-4);
  });

  it('generate with the error term gives the plain model\'s tokens; a topk SAE splices at the hook_z of a layer', async () => {
    const plain = await model.generate([1, 5, 9], { maxNewTokens: 5 });
    const spliced = await withSaes(model, [sae], { useErrorTerm: true }).generate([1, 5, 9], { maxNewTokens: 5 });
    expect(spliced.tokens).toEqual(plain.tokens);
    // hook_z is [batch, pos, heads, d_head]: the SAE reads the heads concatenated (SAELens hook_z SAEs)
    const zHook = 'blocks.1.attn.hook_z';
    const zSae = randomSae(16, 20, { seed: 8, hookName: zHook, architecture: 'topk', k: 4 });
    const ref = await model.run(tokens, { cache: [zHook] });
    const z = ref.cache.get(zHook);
    const r = await withSaes(model, [zSae]).run(tokens, { cache: [zHook, `${zHook}.hook_sae_acts_post`] });
    const acts = r.cache.get(`${zHook}.hook_sae_acts_post`);
    const want = await zSae.encode(tensor([12, 16], z.data));
    expect(maxAbsDiff(acts.data, want.data)).toBeLessThan(1e-5);
    for (let row = 0; row < 12; row++) expect(Array.from(acts.data.subarray(row * 20, row * 20 + 20)).filter((v) => v > 0).length).toBeLessThanOrEqual(4);
    expect(r.cache.get(zHook).shape).toEqual([2, 6, 2, 8]);
    expect(maxAbsDiff(r.cache.get(zHook).data, (await zSae.decode(want)).data)).toBeLessThan(1e-5);
  });

  it('names problems clearly', () => {
    expect(() => withSaes(model, [randomSae(16, 8, { hookName: 'blocks.9.hook_resid_post' })])).toThrow(/is not a hook point of this model/);
    expect(() => withSaes(model, [randomSae(16, 8)])).toThrow(/has no hook_name/);
    const wrong = withSaes(model, [randomSae(12, 8, { hookName: hook })]);
    return expect(wrong.run(tokens)).rejects.toThrow(/does not flatten to \[12, d_in=12\]/);
  });
});

describe('withSaes: runWithGrad', () => {
  const model = randomModel(cfg, { seed: 3, std: 0.2 });
  const sae = randomSae(16, 24, { seed: 5, hookName: hook });
  const later = 'blocks.1.hook_resid_mid';
  // a linear read-out of the final residual stream: its gradient at `later` is checked by central differences
  const readout = tensor([2, 6, 16], Array.from({ length: 192 }, (_, i) => Math.sin(i * 0.7)));

  it('the gradient after the splice equals central differences of the spliced model under an edit at that point', async () => {
    const spliced = withSaes(model, [sae]);
    const metric = gradMetrics.activation('blocks.1.hook_resid_post', readout);
    const r = await spliced.runWithGrad(tokens, { metric, wrt: [later, hook] });
    const g = r.grads.get(later)!;
    const dir = Array.from({ length: g.data.length }, (_, i) => Math.cos(i * 1.3));
    const value = async (eps: number) => {
      const out = await spliced.run(tokens, {
        cache: ['blocks.1.hook_resid_post'],
        hooks: [{ name: later, edit: (t) => { for (let i = 0; i < t.data.length; i++) t.data[i] += eps * dir[i]; } }],
      });
      const a = out.cache.get('blocks.1.hook_resid_post').data;
      let s = 0;
      for (let i = 0; i < a.length; i++) s += a[i] * readout.data[i];
      return s;
    };
    const eps = 1e-2;
    const fd = ((await value(eps)) - (await value(-eps))) / (2 * eps);
    const analytic = g.data.reduce((s, v, i) => s + v * dir[i], 0);
    expect(Math.abs(fd - analytic)).toBeLessThan(0.03 * Math.abs(fd) + 1e-3);
    expect(r.grads.get(hook)!.shape).toEqual([2, 6, 16]);
    await expect(spliced.runWithGrad(tokens, { metric, wrt: [`${hook}.hook_sae_acts_post`] })).rejects.toThrow(/SAE's own points/);
  });
});
