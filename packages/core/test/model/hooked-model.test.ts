import { describe, expect, it } from 'vitest';
import { randomModel, tensor, argmaxLast, type Architecture, type Float32Tensor } from '../../src/index.js';

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const small = (architecture: Architecture) => ({ architecture, nLayers: 4, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64 });
const zeros = (t: Float32Tensor) => tensor(t.shape, new Float32Array(t.data.length));

describe.each(['gpt2', 'gpt-neox', 'llama'] as Architecture[])('hooked transformer (%s)', (arch) => {
  const model = randomModel(small(arch), { seed: 3, std: 0.3 });
  const tokens = [2, 7, 1, 9, 4, 4, 12, 30, 5];

  it('lists hook points with TransformerLens names and rejects unknown ones with a suggestion', async () => {
    const names = model.hookPoints();
    for (const n of ['hook_embed', 'blocks.0.hook_resid_pre', 'blocks.3.mlp.hook_post', 'blocks.1.attn.hook_pattern', 'ln_final.hook_scale', 'ln_final.hook_normalized']) {
      expect(names).toContain(n);
    }
    await expect(model.run(tokens, { hooks: [{ name: 'blocks.1.attn.hook_patern', fn: () => {} }] })).rejects.toThrow(/did you mean "blocks.1.attn.hook_pattern"/);
    await expect(model.run(tokens, { cache: ['blocks.9.hook_resid_pre'] })).rejects.toThrow(/unknown hook point/);
  });

  it('deleting a block through the schedule equals zeroing its attention and MLP outputs with hooks', async () => {
    const viaSchedule = await model.run(tokens, { schedule: [0, 2, 3] });
    const zero = (t: Float32Tensor) => zeros(t);
    const viaHooks = await model.run(tokens, {
      hooks: [
        { name: 'blocks.1.hook_attn_out', fn: zero },
        { name: 'blocks.1.hook_mlp_out', fn: zero },
      ],
    });
    expect(maxAbs(viaSchedule.logits!.data, viaHooks.logits!.data)).toBeLessThan(1e-5);
  });

  it('swapping blocks through the schedule equals exchanging their weights', async () => {
    const viaSchedule = await model.run(tokens, { schedule: [0, 2, 1, 3] });
    const swapped = randomModel(small(arch), { seed: 3, std: 0.3 });
    for (const name of swapped.weightNames()) {
      const m = /^blocks\.(1|2)\.(.*)$/.exec(name);
      if (!m || m[1] !== '1') continue;
      const other = `blocks.2.${m[2]}`;
      const a = swapped.getWeight(name), b = swapped.getWeight(other);
      swapped.setWeight(name, b);
      swapped.setWeight(other, a);
    }
    const viaWeights = await swapped.run(tokens);
    expect(maxAbs(viaSchedule.logits!.data, viaWeights.logits!.data)).toBeLessThan(1e-5);
  });

  it('a left-padded batch gives the same logits as each sequence alone', async () => {
    const short = [5, 9, 13];
    const alone = [await model.run(tokens), await model.run(short)];
    const pad = tokens.length - short.length;
    const batch = await model.run([tokens, [...Array(pad).fill(0), ...short]], {
      attentionMask: [tokens.map(() => 1), [...Array(pad).fill(0), ...short.map(() => 1)]],
    });
    const V = model.config.dVocab;
    const L = batch.logits!.data;
    expect(maxAbs(L.subarray(0, tokens.length * V), alone[0].logits!.data)).toBeLessThan(1e-4);
    expect(maxAbs(L.subarray((tokens.length + pad) * V, 2 * tokens.length * V), alone[1].logits!.data)).toBeLessThan(1e-4);
  });

  it('stopAtLayer returns the residual the full run caches', async () => {
    const full = await model.runWithCache(tokens);
    const part = await model.run(tokens, { stopAtLayer: 2 });
    expect(part.logits).toBeNull();
    expect(maxAbs(part.residual.data, full.cache.get('blocks.1.hook_resid_post').data)).toBe(0);
  });

  it('greedy generation with the key/value cache matches argmax of full recomputation', async () => {
    const g = await model.generate([1, 2, 3], { maxNewTokens: 6, stopAtEos: false });
    const seq = [1, 2, 3];
    for (let i = 0; i < 6; i++) {
      const r = await model.run(seq);
      const am = argmaxLast(r.logits!).data;
      seq.push(am[am.length - 1]);
    }
    expect(g.tokens).toEqual(seq);
  });

  it('seeded sampling is reproducible and differs across seeds', async () => {
    const a = await model.generate([1, 2], { maxNewTokens: 12, temperature: 1.5, seed: 11, stopAtEos: false });
    const b = await model.generate([1, 2], { maxNewTokens: 12, temperature: 1.5, seed: 11, stopAtEos: false });
    const c = await model.generate([1, 2], { maxNewTokens: 12, temperature: 1.5, seed: 12, stopAtEos: false });
    expect(a.tokens).toEqual(b.tokens);
    expect(a.tokens).not.toEqual(c.tokens);
  });

  it('freezing ln_final.hook_scale to a clean value isolates the direct effect of a residual edit', async () => {
    const clean = await model.runWithCache(tokens, { cache: ['ln_final.hook_scale', 'blocks.3.hook_resid_post'] });
    const scale = clean.cache.get('ln_final.hook_scale');
    const bump = (t: Float32Tensor) => tensor(t.shape, t.data.map((v) => v * 3));
    const total = await model.runWithCache(tokens, { hooks: [{ name: 'blocks.3.hook_resid_post', fn: bump }], cache: ['ln_final.hook_scale'] });
    const direct = await model.run(tokens, { hooks: [{ name: 'blocks.3.hook_resid_post', fn: bump }, { name: 'ln_final.hook_scale', fn: () => scale }] });
    // The total effect re-normalises (LayerNorm/RMSNorm are scale invariant, so x3 changes the scale by x3)...
    const s1 = total.cache.get('ln_final.hook_scale').data;
    for (let i = 0; i < s1.length; i++) expect(s1[i] / scale.data[i]).toBeCloseTo(model.config.normType === 'rmsnorm' ? 3 : 3, 1);
    // ...while the direct path with the frozen scale sees the x3 residual.
    expect(maxAbs(total.logits!.data, clean.logits!.data)).toBeLessThan(5e-3);
    expect(maxAbs(direct.logits!.data, clean.logits!.data)).toBeGreaterThan(1e-2);
  });

  it('a hook that returns the wrong shape is a clear error', async () => {
    await expect(model.run(tokens, { hooks: [{ name: 'blocks.0.mlp.hook_post', fn: () => tensor([1]) }] })).rejects.toThrow(/same shape/);
  });

  it('setWeight changes the computation and checks shapes', async () => {
    const before = await model.run(tokens);
    const W = model.getWeight('blocks.0.mlp.W_out');
    expect(() => model.setWeight('blocks.0.mlp.W_out', tensor([1, 2]))).toThrow(/expected a float32 tensor of shape/);
    model.setWeight('blocks.0.mlp.W_out', zeros(W));
    const zeroed = await model.run(tokens);
    const viaHook = await model.run(tokens, { hooks: [] });
    expect(maxAbs(zeroed.logits!.data, before.logits!.data)).toBeGreaterThan(1e-4);
    expect(maxAbs(zeroed.logits!.data, viaHook.logits!.data)).toBe(0);
    model.setWeight('blocks.0.mlp.W_out', W);
    expect(maxAbs((await model.run(tokens)).logits!.data, before.logits!.data)).toBe(0);
    expect(() => model.getWeight('W_Q')).toThrow(/unknown weight/);
    expect(model.getWeight('W_E')).toBe(model.getWeight('embed.W_E'));
  });
});

describe('hooks restricted to positions and heads', () => {
  it('patch only the selected heads and positions of an attention pattern, and only selected positions of a residual', async () => {
    const model = randomModel(small('gpt2'), { seed: 5, std: 0.3 });
    const tokens = [3, 1, 4, 1, 5, 9];
    const clean = await model.runWithCache(tokens, { cache: ['blocks.1.attn.hook_z', 'blocks.1.hook_resid_pre'] });
    const zeroAll = (t: Float32Tensor) => tensor(t.shape, new Float32Array(t.data.length));
    const r = await model.runWithCache(tokens, {
      hooks: [
        { name: 'blocks.1.attn.hook_z', fn: zeroAll, heads: [2], positions: [4] },
        { name: 'blocks.1.hook_resid_pre', fn: zeroAll, positions: [0] },
      ],
      cache: ['blocks.1.attn.hook_z', 'blocks.1.hook_resid_pre'],
    });
    const z = r.cache.get('blocks.1.attn.hook_z'); // [1, T, H, dh]
    const zc = clean.cache.get('blocks.1.attn.hook_z');
    const [, T, H, D] = z.shape;
    for (let t = 0; t < T; t++)
      for (let h = 0; h < H; h++)
        for (let d = 0; d < D; d++) {
          const i = (t * H + h) * D + d;
          if (t === 4 && h === 2) expect(z.data[i]).toBe(0);
          else if (t < 1) expect(z.data[i]).not.toBe(0);
        }
    // Positions >= 1 of z differ from clean only through the zeroed residual at position 0 (a real upstream change),
    // but the residual itself was zeroed only at position 0:
    const res = r.cache.get('blocks.1.hook_resid_pre');
    const resClean = clean.cache.get('blocks.1.hook_resid_pre');
    const d = model.config.dModel;
    for (let i = 0; i < res.data.length; i++) expect(res.data[i]).toBe(i < d ? 0 : resClean.data[i]);
    expect(zc.shape).toEqual(z.shape);
    await expect(model.run(tokens, { hooks: [{ name: 'blocks.0.hook_resid_pre', fn: zeroAll, heads: [0] }] })).rejects.toThrow(/heads can only be selected/);
    await expect(model.run(tokens, { hooks: [{ name: 'blocks.0.hook_resid_pre', fn: zeroAll, positions: [99] }] })).rejects.toThrow(/position 99 is outside/);
  });
});

describe('rewriting MLP pre-activations recomputes the neurons', () => {
  it.each(['onnxruntime', 'reference'] as const)('gated MLP, hook on hook_pre_linear only (%s)', async (backend) => {
    const model = randomModel(small('llama'), { seed: 2, std: 0.3, backend });
    const tokens = [1, 2, 3, 4];
    const double = (t: Float32Tensor) => tensor(t.shape, t.data.map((v) => 2 * v));
    const r = await model.runWithCache(tokens, { hooks: [{ name: 'blocks.0.mlp.hook_pre_linear', fn: double }], cache: ['blocks.0.mlp.hook_post'] });
    // The same code path without the doubling (an edit hook that changes nothing keeps the block on the per-kernel path).
    const clean = await model.runWithCache(tokens, { hooks: [{ name: 'blocks.0.mlp.hook_pre_linear', fn: (t: Float32Tensor) => t }], cache: ['blocks.0.mlp.hook_post'] });
    // post = act(gate) * up, so doubling up doubles post.
    const a = r.cache.get('blocks.0.mlp.hook_post').data, b = clean.cache.get('blocks.0.mlp.hook_post').data;
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(2 * b[i], 5);
  });
});
