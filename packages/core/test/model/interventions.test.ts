import { describe, expect, it } from 'vitest';
import {
  actName, argmaxLast, hookPointShape, hookPointSpec, hookPointTable, indexed, randomModel, selectAxis, sliceAxis, tensor, tensorAt,
  type Architecture, type Float32Tensor, type HookContext,
} from '../../src/index.js';

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const small = (architecture: Architecture) => ({ architecture, nLayers: 3, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64 });
const tokens = [2, 7, 1, 9, 4, 4, 12, 30, 5];
const other = [3, 8, 8, 1, 22, 6, 12, 19, 5];

describe.each(['gpt2', 'gpt-neox', 'llama'] as Architecture[])('interventions (%s)', (arch) => {
  const model = randomModel(small(arch), { seed: 5, std: 0.3 });
  const cfg = model.config;

  it('every hook point in the table has the shape its axes say, opt-in points included', async () => {
    const r = await model.runWithCache([tokens, other], { optIn: true });
    const table = hookPointTable(cfg, { optIn: true });
    expect(r.cache.names().sort()).toEqual(table.map((e) => e.name).sort());
    for (const e of table) expect([e.name, ...r.cache.get(e.name).shape]).toEqual([e.name, ...hookPointShape(cfg, e.spec, 2, tokens.length)]);
    // Opt-in points are absent from a plain cache and from hookPoints().
    const plain = await model.runWithCache(tokens);
    expect(plain.cache.has('blocks.0.attn.hook_result')).toBe(false);
    expect(model.hookPoints()).not.toContain('blocks.0.attn.hook_result');
    expect(model.hookPoints({ optIn: true })).toContain('blocks.0.hook_q_input');
  });

  it('opt-in hook points leave the logits as they are, and hook_result sums (plus b_O) to hook_attn_out', async () => {
    const plain = await model.run(tokens);
    const opt = await model.runWithCache(tokens, { optIn: true });
    expect(maxAbs(plain.logits!.data, opt.logits!.data)).toBeLessThan(1e-5);
    const result = opt.cache.get('blocks.1.attn.hook_result');
    const out = opt.cache.get('blocks.1.hook_attn_out');
    const bO = model.weights.get('blocks.1.attn.b_O');
    const [, T, H, d] = result.shape;
    for (let t = 0; t < T; t++)
      for (let j = 0; j < d; j++) {
        let s = bO ? bO.data[j] : 0;
        for (let h = 0; h < H; h++) s += result.get(0, t, h, j);
        expect(Math.abs(s - out.get(0, t, j))).toBeLessThan(1e-5);
      }
  });

  it("editing one head's hook_q_input changes only that head's query, to ln1(input) W_Q[h] + b_Q[h] computed by hand", async () => {
    const src = await model.runWithCache(other, { cache: ['blocks.1.hook_resid_pre'] });
    const donor = src.cache.get('blocks.1.hook_resid_pre');
    const clean = await model.runWithCache(tokens, { cache: ['blocks.1.attn.hook_q'], optIn: ['splitQkvInput'] });
    const head = 2;
    const patched = await model.runWithCache(tokens, {
      cache: ['blocks.1.attn.hook_q'],
      hooks: [{ name: 'blocks.1.hook_q_input', heads: [head], edit: (t) => { for (let p = 0; p < t.shape[1]; p++) for (let j = 0; j < cfg.dModel; j++) t.data[(p * cfg.nHeads + head) * cfg.dModel + j] = donor.get(0, p, j); } }],
    });
    // By hand: ln1 of the donor residual, then head 2's query weights.
    const W = model.getWeight('blocks.1.attn.W_Q');
    const bQ = model.weights.get('blocks.1.attn.b_Q');
    const lnW = model.getWeight('blocks.1.ln1.w');
    const lnB = model.weights.get('blocks.1.ln1.b');
    const q = patched.cache.get('blocks.1.attn.hook_q');
    const q0 = clean.cache.get('blocks.1.attn.hook_q');
    const d = cfg.dModel, D = cfg.dHead;
    for (let p = 0; p < tokens.length; p++) {
      const x = Array.from({ length: d }, (_, j) => donor.get(0, p, j));
      const mean = cfg.normType === 'layernorm' ? x.reduce((a, v) => a + v, 0) / d : 0;
      const c = x.map((v) => v - mean);
      const s = Math.sqrt(c.reduce((a, v) => a + v * v, 0) / d + cfg.normEps);
      const xn = c.map((v, j) => (v / s) * lnW.data[j] + (lnB ? lnB.data[j] : 0));
      for (let e = 0; e < D; e++) {
        let want = bQ ? bQ.data[head * D + e] : 0;
        for (let j = 0; j < d; j++) want += xn[j] * W.data[(head * d + j) * D + e];
        expect(Math.abs(q.get(0, p, head, e) - want)).toBeLessThan(1e-4);
      }
      for (let h = 0; h < cfg.nHeads; h++) if (h !== head) for (let e = 0; e < D; e++) expect(q.get(0, p, h, e)).toBe(q0.get(0, p, h, e));
    }
  });

  it('an edit hook that changes its tensor in place and returns nothing takes effect (the TransformerLens idiom)', async () => {
    const viaSchedule = await model.run(tokens, { schedule: [0, 2] });
    const inPlace = await model.run(tokens, {
      hooks: [
        { name: 'blocks.1.hook_attn_out', edit: (t) => { t.data.fill(0); } },
        { name: 'blocks.1.hook_mlp_out', fn: (t) => { t.data.fill(0); } },
      ],
    });
    expect(maxAbs(viaSchedule.logits!.data, inPlace.logits!.data)).toBeLessThan(1e-5);
  });

  it('observe hooks see the live value (the object the cache keeps); async edit hooks are awaited', async () => {
    let seen: Float32Tensor | null = null;
    const r = await model.runWithCache(tokens, {
      cache: ['blocks.0.hook_resid_post'],
      hooks: [
        { name: 'blocks.0.hook_resid_post', observe: (t) => { seen = t; } },
        { name: 'blocks.2.hook_mlp_out', edit: async (t) => { await new Promise((res) => setTimeout(res, 1)); return tensor(t.shape); } },
      ],
    });
    expect(seen).toBe(r.cache.get('blocks.0.hook_resid_post'));
    const zeroed = await model.run(tokens, { hooks: [{ name: 'blocks.2.hook_mlp_out', edit: (t) => tensor(t.shape) }] });
    expect(maxAbs(r.logits!.data, zeroed.logits!.data)).toBe(0);
    await expect(model.run(tokens, { hooks: [{ name: 'hook_embed', observe: () => {}, positions: [0] } as never] })).rejects.toThrow(/observe hook sees the whole value/);
    await expect(model.run(tokens, { hooks: [{ name: 'hook_embed', observe: () => {}, edit: () => {} } as never] })).rejects.toThrow(/exactly one of observe/);
  });

  it('the hook context names the schedule slot, the block that ran there and the token offset', async () => {
    const seen: HookContext[] = [];
    await model.run(tokens, { schedule: [0, 2, 1], hooks: [0, 1, 2].map((i) => ({ name: `blocks.${i}.hook_resid_pre`, observe: (_t: Float32Tensor, c: HookContext) => void seen.push(c) })) });
    expect(seen.map((c) => [c.slot, c.layer, c.tokenOffset])).toEqual([[0, 0, 0], [1, 2, 0], [2, 1, 0]]);
    const offsets: number[] = [];
    await model.generate([1, 2, 3], { maxNewTokens: 3, stopAtEos: false, hooks: [{ name: 'hook_embed', observe: (_t, c) => void offsets.push(c.tokenOffset) }] });
    expect(offsets).toEqual([0, 3, 4]);
  });

  it('during generate, a hook restricted to positions edits each position on the step that decodes it and equals the same edit in full re-runs', async () => {
    const prompt = [1, 2, 3];
    const hooks = [
      { name: 'blocks.1.hook_resid_post', positions: [4, 6], edit: (t: Float32Tensor) => { for (let i = 0; i < t.data.length; i++) t.data[i] *= -3; } },
      { name: 'blocks.0.attn.hook_z', heads: [1], edit: (t: Float32Tensor) => tensor(t.shape) },
    ];
    const g = await model.generate(prompt, { maxNewTokens: 6, stopAtEos: false, hooks });
    const unedited = await model.generate(prompt, { maxNewTokens: 6, stopAtEos: false });
    expect(g.newTokens).not.toEqual(unedited.newTokens); // the edit matters
    // Reference: every step recomputed over the whole sequence with the same hooks.
    const seq = [...prompt];
    for (let i = 0; i < 6; i++) {
      const r = await model.run(seq, { hooks: hooks.map((h) => ({ ...h, positions: h.positions?.filter((p) => p < seq.length) })).filter((h) => !h.positions || h.positions.length > 0) });
      const am = argmaxLast(r.logits!).data;
      seq.push(am[am.length - 1]);
    }
    expect(g.tokens).toEqual(seq);
    // And the logits at the last step match a full run of the final sequence.
    await expect(model.run(tokens, { hooks: [{ name: 'hook_embed', positions: [40], edit: () => {} }] })).rejects.toThrow(/position 40 is outside the sequence \[0, 9\)/);
  });

  it('startAt resumes from a cached residual and gives the full run, with or without a schedule', async () => {
    for (const schedule of [undefined, [0, 2, 2, 1]]) {
      const full = await model.runWithCache([tokens, other], { schedule, cache: ['blocks.1.hook_resid_post'] });
      const resumed = await model.run([tokens, other], { schedule, startAt: { layer: 2, residual: full.cache.get('blocks.1.hook_resid_post') } });
      expect(maxAbs(full.logits!.data, resumed.logits!.data)).toBeLessThan(1e-5); // float32 rounding: the fused graphs differ
    }
    const full = await model.runWithCache(tokens, { cache: ['blocks.0.hook_resid_post'] });
    const resid = full.cache.get('blocks.0.hook_resid_post');
    await expect(model.run(tokens, { startAt: { layer: 1, residual: resid }, hooks: [{ name: 'blocks.0.hook_mlp_out', observe: () => {} }] })).rejects.toThrow(/before startAt.layer 1/);
    await expect(model.run(other.slice(0, 4), { startAt: { layer: 1, residual: resid } })).rejects.toThrow(/shape \[1, 4, 32\]/);
    const atEnd = await model.run(tokens, { startAt: { layer: 3, residual: full.residual } });
    expect(maxAbs(atEnd.logits!.data, full.logits!.data)).toBeLessThan(1e-5);
  });

  it('finalNorm recomputes or freezes the final scale, and unembed(finalNorm(resid)) is the logits', async () => {
    const r = await model.runWithCache(tokens);
    const resid = r.cache.get(`blocks.${cfg.nLayers - 1}.hook_resid_post`);
    const normed = model.finalNorm(resid);
    expect(maxAbs(normed.data, r.cache.get('ln_final.hook_normalized').data)).toBeLessThan(1e-6);
    expect(maxAbs((await model.unembed(normed)).data, r.logits!.data)).toBeLessThan(1e-4);
    // A frozen scale: doubling the residual doubles the centred part, so the output moves; with the doubled
    // residual's own scale it does not.
    const doubled = tensor(resid.shape, resid.data.map((v) => 2 * v));
    const frozen = model.finalNorm(doubled, { scale: r.cache.get('ln_final.hook_scale') });
    const bias = model.weights.get('ln_final.b');
    const w = model.getWeight('ln_final.w');
    for (let i = 0; i < 20; i++) {
      const j = i % cfg.dModel;
      const b = bias ? bias.data[j] : 0;
      expect(Math.abs(frozen.data[i] - b - 2 * (normed.data[i] - b))).toBeLessThan(1e-4 * (1 + Math.abs(w.data[j])));
    }
    expect(maxAbs(model.finalNorm(doubled).data, normed.data)).toBeLessThan(1e-4);
    expect(() => model.finalNorm(resid, { scale: tensor([1, 2, 1]) })).toThrow(/scale must have shape \[1, 9, 1\]/);
    expect(() => model.finalNorm(tensor([2, 5]))).toThrow(/last axis is dModel = 32/);
  });

  it('unknown run options are an error with a suggestion', async () => {
    await expect(model.run(tokens, { stopAtLayers: 2 } as never)).rejects.toThrow(/unknown run option "stopAtLayers"; did you mean "stopAtLayer"/);
    await expect(model.generate(tokens, { maxNewTokens: 1, temprature: 1 } as never)).rejects.toThrow(/did you mean "temperature"/);
  });
});

describe('conveniences', () => {
  it('actName builds hook names from TransformerLens short names', () => {
    expect(actName('post', 3)).toBe('blocks.3.mlp.hook_post');
    expect(actName('resid_pre', 0)).toBe('blocks.0.hook_resid_pre');
    expect(actName('pattern', 1)).toBe('blocks.1.attn.hook_pattern');
    expect(actName('attn', 1)).toBe('blocks.1.attn.hook_pattern');
    expect(actName('result', 2)).toBe('blocks.2.attn.hook_result');
    expect(actName('scale', 2, 'ln2')).toBe('blocks.2.ln2.hook_scale');
    expect(actName('scale')).toBe('ln_final.hook_scale');
    expect(actName('embed')).toBe('hook_embed');
    expect(actName('blocks.0.hook_mlp_out')).toBe('blocks.0.hook_mlp_out');
    expect(() => actName('psot', 1)).toThrow(/did you mean "post"/);
    expect(() => actName('z')).toThrow(/inside a block/);
    expect(hookPointSpec('blocks.4.attn.hook_z')?.spec.axes).toEqual(['batch', 'pos', 'head', 'dHead']);
  });

  it('tensor indexing agrees with flat-offset arithmetic', () => {
    const t = tensor([2, 3, 4], Array.from({ length: 24 }, (_, i) => i));
    expect(tensorAt(t, 1, 2, 3)).toBe(23);
    expect(tensorAt(t, -1, 0, -1)).toBe(15);
    const s = selectAxis(t, 1, 2);
    expect(s.shape).toEqual([2, 4]);
    expect(Array.from(s.data)).toEqual([8, 9, 10, 11, 20, 21, 22, 23]);
    const sl = sliceAxis(t, 2, 1, 3);
    expect(sl.shape).toEqual([2, 3, 2]);
    expect(sl.get(1, 2, 1)).toBe(22);
    expect(sl.select(0, 0).slice(0, -1).shape).toEqual([1, 2]);
    expect(() => tensorAt(t, 2, 0, 0)).toThrow(/out of range \[0, 2\)/);
    expect(JSON.stringify(s)).not.toContain('get'); // methods are not enumerable
    const frozen = Object.freeze(tensor([2, 2], [1, 2, 3, 4]));
    expect(indexed(frozen).get(1, 0)).toBe(3);
  });

  it('toTokens pads ragged prompts on the left with a mask, and run gives each prompt its own logits', async () => {
    const model = randomModel(small('llama'), { seed: 2, std: 0.3 });
    const wordTok = {
      vocabSize: 40, bosTokenId: 1, eosTokenId: 2,
      encode: (text: string, o?: { addBos?: boolean }) => [...(o?.addBos === false ? [] : [1]), ...text.split(' ').map((w) => 3 + (w.length % 30))],
      decode: (ids: readonly number[]) => ids.join(' '),
      tokenString: (id: number) => `t${id}`,
    };
    const withTok = Object.assign(Object.create(Object.getPrototypeOf(model)), model, { tokenizer: wordTok });
    const batch = withTok.toTokens(['a bb', 'a bb ccc dddd']);
    expect(batch.attentionMask).toEqual([[0, 0, 1, 1, 1], [1, 1, 1, 1, 1]]);
    expect(batch.lengths).toEqual([3, 5]);
    const both = await withTok.run(batch);
    const alone = await withTok.run(wordTok.encode('a bb'));
    const V = 40;
    expect(maxAbs(both.logits!.data.subarray(2 * V, 5 * V), alone.logits!.data)).toBeLessThan(1e-4);
    expect(withTok.toStrTokens('a bb')).toEqual(['t1', 't4', 't5']);
    expect(withTok.toSingleToken('ccc')).toBe(6);
    expect(() => withTok.toSingleToken('a b')).toThrow(/is 2 tokens/);
    await expect(withTok.run(batch, { attentionMask: batch.attentionMask })).rejects.toThrow(/already carries its attentionMask/);
  });
});
