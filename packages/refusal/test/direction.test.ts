import { describe, expect, it } from 'vitest';
import {
  applyTemplate, candidateDirections, DEFAULT_TEMPLATE, klOfProbs, refusalScoreOfProbs, selectDirection, softmax64, vectorAt,
  ablationHooks, actAddHooks, unitVector, refusalTokenIds,
} from '../src/index.js';
import { defaultModel, organism, silent } from './helpers.js';

const tpl = (xs: { instruction: string }[]) => xs.map((x) => applyTemplate(DEFAULT_TEMPLATE, x.instruction));

describe('scores', () => {
  it('the refusal score and KL are the closed forms in float64', () => {
    const logits = [2, -1, 0.5, 3];
    const z = logits.reduce((a, l) => a + Math.exp(l), 0);
    const p = logits.map((l) => Math.exp(l) / z);
    const probs = softmax64(logits, 0, 4);
    probs.forEach((q, i) => expect(q).toBeCloseTo(p[i], 14));
    const r = p[0] + p[2];
    expect(refusalScoreOfProbs(probs, [0, 2])).toBeCloseTo(Math.log(r + 1e-8) - Math.log(1 - r + 1e-8), 12);
    const q = softmax64([0, 0, 0, 0], 0, 4);
    const kl = p.reduce((a, pi) => a + pi * (Math.log(pi + 1e-6) - Math.log(0.25 + 1e-6)), 0);
    expect(klOfProbs(probs, q)).toBeCloseTo(kl, 12);
  });
});

describe('candidate directions on the default model', () => {
  it('equal a hand-computed difference in means of resid_pre (prompt by prompt, unpadded, float64)', async () => {
    const model = await defaultModel();
    const harmful = tpl(organism('harmful').slice(0, 7));
    const harmless = tpl(organism('harmless').slice(0, 9));
    // Ragged lengths: the batched path left-pads.
    expect(new Set([...harmful, ...harmless].map((p) => model.tokenizer!.encode(p).length)).size).toBeGreaterThan(1);
    const nPos = 2;
    const got = await candidateDirections(model, harmful, harmless, nPos, { batchSize: 4 });
    const { nLayers: L, dModel: d } = model.config;
    const sums = async (prompts: string[]) => {
      const acc = new Float64Array(nPos * L * d);
      for (const p of prompts) {
        const ids = model.tokenizer!.encode(p);
        const { cache } = await model.runWithCache([ids]);
        for (let l = 0; l < L; l++) {
          const act = cache.get(`blocks.${l}.hook_resid_pre`);
          for (let i = 0; i < nPos; i++) for (let j = 0; j < d; j++) acc[(i * L + l) * d + j] += act.get(0, ids.length - nPos + i, j) / prompts.length;
        }
      }
      return acc;
    };
    const [a, b] = [await sums(harmful), await sums(harmless)];
    let maxErr = 0;
    let maxAbs = 0;
    for (let i = 0; i < a.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(got.data[i] - (a[i] - b[i])));
      maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    }
    expect(maxAbs).toBeGreaterThan(0.1);
    expect(maxErr).toBeLessThan(1e-4 * maxAbs);
  });

  it('batched candidate scores equal a hand-written re-run of each candidate, prompt by prompt', async () => {
    const model = await defaultModel();
    const harmfulTrain = tpl(organism('harmful').slice(0, 12));
    const harmlessTrain = tpl(organism('harmless').slice(0, 12));
    const harmfulVal = tpl(organism('harmful').slice(20, 25));
    const harmlessVal = tpl(organism('harmless').slice(20, 24));
    const dirs = await candidateDirections(model, harmfulTrain, harmlessTrain, 2, { batchSize: 8 });
    const refusal = refusalTokenIds(model, ['I']);
    const sel = await selectDirection(model, harmfulVal, harmlessVal, dirs, ['Assistant', ':'], refusal, { klThreshold: 0.1, induceThreshold: 0, pruneLayerFraction: 0.2, rowsPerPass: 7 }, { progress: silent });
    const L = model.config.nLayers;
    const V = model.config.dVocab;
    const lastProbs = async (p: string, hooks: ReturnType<typeof ablationHooks>) => {
      const ids = model.tokenizer!.encode(p);
      const logits = (await model.run([ids], { hooks })).logits!;
      return softmax64(logits.data, (ids.length - 1) * V, V);
    };
    for (const c of sel.candidates) {
      const r = vectorAt(dirs, c.position + 2, c.layer);
      const u = unitVector(r);
      const abl = u ? ablationHooks(L, u) : [];
      let bypass = 0;
      for (const p of harmfulVal) bypass += refusalScoreOfProbs(await lastProbs(p, abl), refusal) / harmfulVal.length;
      let induce = 0;
      let kl = 0;
      for (const p of harmlessVal) {
        induce += refusalScoreOfProbs(await lastProbs(p, actAddHooks(c.layer, r, 1)), refusal) / harmlessVal.length;
        kl += klOfProbs(await lastProbs(p, []), await lastProbs(p, abl)) / harmlessVal.length;
      }
      expect(c.bypassScore).toBeCloseTo(bypass, 3);
      expect(c.induceScore).toBeCloseTo(induce, 3);
      expect(c.kl).toBeCloseTo(kl, 4);
    }
    // Layer 0's block input at the template positions is the same token embedding for every prompt: r = 0.
    expect(sel.candidates.filter((c) => c.layer === 0).every((c) => c.norm === 0)).toBe(true);
  });
});
