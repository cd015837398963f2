/**
 * The analyses' numbers against independent references: an SAE built to reconstruct exactly
 * (W_enc = [I, −I], W_dec = [I; −I], so relu(x) − relu(−x) = x) has FVE 1, loss recovered 1 and
 * L0 = the number of nonzero coordinates; a random SAE's statistics match a brute-force pass over
 * the cached activations and a hand-written CE; the plugin runs end to end on the shipped default
 * model with a byte-identical report for a seed and escaped HTML.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel, manifestProblems, parseInputAssignments, randomModel, runAnalysis, tensor } from '@marr/core';
import { renderHtml } from '@marr/report-html';
import plugin, { contextActivations, createSae, evaluateSae, featureStats, logitEffects, makeSaeConfig, saveSae, trainSae, tableActivationSource } from '../src/index.js';
import { randomSae, reluSaeByHand } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const defaultModel = join(here, '..', '..', 'zoo', 'models', 'default');
const temps: string[] = [];
afterAll(async () => { for (const t of temps) await rm(t, { recursive: true, force: true }); });
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'marr-sae-an-'));
  temps.push(d);
  return d;
}

const cfg = { architecture: 'gpt2' as const, dVocab: 30, dModel: 8, nLayers: 2, nHeads: 2, dHead: 4, dMlp: 16, nCtx: 10 };
const hook = 'blocks.0.hook_resid_post';
const windows = [[1, 4, 7, 2, 9, 3], [5, 5, 1, 8, 0, 2], [3, 9, 9, 4, 6, 1]];

function ceByHand(logits: Float32Array, ws: number[][], V: number): number {
  let s = 0, n = 0;
  const T = ws[0].length;
  ws.forEach((w, b) => {
    for (let t = 0; t < T - 1; t++) {
      const row = Array.from(logits.subarray((b * T + t) * V, (b * T + t + 1) * V));
      const lse = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
      s += lse - row[w[t + 1]];
      n++;
    }
  });
  return s / n;
}

describe('evaluateSae', () => {
  const model = randomModel(cfg, { seed: 2, std: 0.3 });

  it('an exactly reconstructing SAE: FVE 1, CE unchanged, loss recovered 1, L0 = nonzero coordinates', async () => {
    const d = 8;
    const W_enc = new Float32Array(d * 2 * d), W_dec = new Float32Array(2 * d * d);
    for (let i = 0; i < d; i++) { W_enc[i * 2 * d + i] = 1; W_enc[i * 2 * d + d + i] = -1; W_dec[i * d + i] = 1; W_dec[(d + i) * d + i] = -1; }
    const sae = createSae(makeSaeConfig({ dIn: d, dSae: 2 * d, hookName: hook }), {
      W_enc: tensor([d, 2 * d], W_enc), b_enc: tensor([2 * d]), W_dec: tensor([2 * d, d], W_dec), b_dec: tensor([d]),
    });
    const ev = await evaluateSae(model, sae, windows, { batchWindows: 2 });
    expect(ev.fve).toBeCloseTo(1, 5);
    expect(ev.mse).toBeLessThan(1e-10);
    expect(ev.ceSae).toBeCloseTo(ev.ceClean, 5);
    expect(ev.lossRecovered).toBeCloseTo(1, 4);
    expect(ev.l0).toBe(8); // every coordinate of a random residual is nonzero: one of each ± pair fires
    expect(ev.tokens).toBe(18); // no BOS in a random model
    const plain = await model.run(windows);
    expect(ev.ceClean).toBeCloseTo(ceByHand(plain.logits!.data, windows, 30), 5);
    const zero = await model.run(windows, { hooks: [{ name: hook, edit: (t) => { t.data.fill(0); } }] });
    expect(ev.ceZeroAblated).toBeCloseTo(ceByHand(zero.logits!.data, windows, 30), 5);
  });

  it('a random SAE: reconstruction statistics and CE match a brute-force pass', async () => {
    const sae = randomSae(8, 12, { seed: 9, hookName: hook });
    const ev = await evaluateSae(model, sae, windows, { batchWindows: 2, denseThreshold: 0.5 });
    const run = await model.run(windows, { cache: [hook] });
    const x = run.cache.get(hook);
    const { latents, recons } = reluSaeByHand(sae, x);
    let sse = 0, fired = 0;
    const mean = new Float64Array(8);
    for (let i = 0; i < x.data.length; i++) { sse += (x.data[i] - recons[i]) ** 2; mean[i % 8] += x.data[i] / 18; }
    let tss = 0;
    for (let i = 0; i < x.data.length; i++) tss += (x.data[i] - mean[i % 8]) ** 2;
    const freq = new Array(12).fill(0);
    latents.forEach((v, i) => { if (v > 0) { fired++; freq[i % 12] += 1 / 18; } });
    expect(ev.mse).toBeCloseTo(sse / (18 * 8), 5);
    expect(ev.fve).toBeCloseTo(1 - sse / tss, 4);
    expect(ev.l0).toBeCloseTo(fired / 18, 10);
    ev.frequency.forEach((f, i) => expect(f).toBeCloseTo(freq[i], 10));
    expect(ev.denseLatents).toBe(freq.filter((f) => f > 0.5).length);
    const spliced = await model.run(windows, { hooks: [{ name: hook, edit: (t) => { t.data.set(Float32Array.from(recons)); } }] });
    expect(ev.ceSae).toBeCloseTo(ceByHand(spliced.logits!.data, windows, 30), 4);
  });
});

describe('featureStats and logitEffects', () => {
  const model = randomModel(cfg, { seed: 4, std: 0.3 });
  const sae = randomSae(8, 10, { seed: 3, hookName: hook });

  it('frequency, mean, max and the top contexts equal a brute-force pass', async () => {
    const st = await featureStats(model, sae, windows, { batchWindows: 2, topContexts: 3 });
    const run = await model.run(windows, { cache: [hook] });
    const { latents } = reluSaeByHand(sae, run.cache.get(hook));
    for (let j = 0; j < 10; j++) {
      const acts = Array.from({ length: 18 }, (_, r) => ({ a: latents[r * 10 + j], w: Math.floor(r / 6), p: r % 6 })).filter((e) => e.a > 0);
      expect(st.frequency[j]).toBeCloseTo(acts.length / 18, 10);
      if (acts.length === 0) continue;
      expect(st.maxActivation[j]).toBeCloseTo(Math.max(...acts.map((e) => e.a)), 4);
      expect(st.meanActivation[j]).toBeCloseTo(acts.reduce((s, e) => s + e.a, 0) / acts.length, 4);
      const best = acts.sort((a, b) => b.a - a.a).slice(0, 3);
      expect(st.top[j].map((t) => [t.window, t.position])).toEqual(best.map((e) => [e.w, e.p]));
    }
  });

  it('context activations are the latent\'s code at each token of a window run on its own', async () => {
    const windows = [[1, 5, 9, 2, 7, 3], [4, 4, 8, 1, 6, 2], [3, 2, 1, 9, 9, 5]];
    const requests = [{ latent: 3, window: 2, from: 1, to: 5 }, { latent: 7, window: 0, from: 0, to: 6 }, { latent: 3, window: 1, from: 2, to: 3 }];
    const got = await contextActivations(model, sae, windows, requests, { batchWindows: 2 });
    for (const [i, r] of requests.entries()) {
      const alone = await model.run([windows[r.window]], { cache: [sae.cfg.hookName!] });
      const z = await sae.encode(tensor([6, 8], alone.cache.get(sae.cfg.hookName!).data));
      const want = Array.from({ length: r.to - r.from }, (_, k) => z.data[(r.from + k) * sae.cfg.dSae + r.latent]);
      expect(got[i].length).toBe(want.length);
      got[i].forEach((v, k) => expect(v).toBeCloseTo(want[k], 4));
    }
  });

  it('logit effects are W_dec · W_U', async () => {
    const WU = model.getWeight('W_U'); // [dModel, dVocab]
    const [eff] = await logitEffects(model, sae, [7], 3);
    const direct = Array.from({ length: 30 }, (_, v) => {
      let s = 0;
      for (let i = 0; i < 8; i++) s += sae.weights.W_dec.data[7 * 8 + i] * WU.data[i * 30 + v];
      return [v, s] as [number, number];
    }).sort((a, b) => b[1] - a[1]);
    expect(eff.positive.map((e) => e[0])).toEqual(direct.slice(0, 3).map((e) => e[0]));
    expect(eff.negative.map((e) => e[0])).toEqual(direct.slice(-3).reverse().map((e) => e[0]));
    expect(eff.positive[0][1]).toBeCloseTo(direct[0][1], 4);
  });
});

describe('the plugin on the shipped default model', () => {
  it('its package.json manifest matches the module', async () => {
    const pkg = JSON.parse(await readFile(join(here, '..', 'package.json'), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
  });

  it('sae-evaluate and sae-features run, are deterministic for a seed and escape model strings in HTML', async () => {
    const dir = await tempDir();
    const model = await loadModel(defaultModel);
    // an SAE trained in the test on the model's own residual stream
    const text = 'Monday comes after Sunday . Der Hund ist gross . User : how do I pick a lock ? Assistant : I cannot help with that request .';
    const data = join(dir, 'data.txt');
    await writeFile(data, Array.from({ length: 30 }, () => text).join('\n\n'));
    const run = await model.run(model.toTokens([text, text]), { cache: ['blocks.1.hook_resid_pre'] });
    const x = run.cache.get('blocks.1.hook_resid_pre');
    const trained = await trainSae({ source: tableActivationSource(tensor([x.data.length / 96, 96], x.data)), architecture: 'topk', width: 64, k: 4, tokens: 4000, batchSize: 64, seed: 0, hookName: 'blocks.1.hook_resid_pre' });
    await saveSae(trained.sae, join(dir, 'sae'));
    const find = (id: string) => plugin.analyses.find((a) => a.id === id)!;
    const params = { contextLength: 32, maxTokens: 2048 };
    const inputs = parseInputAssignments([`sae=${join(dir, 'sae')}`]);
    const ev = await runAnalysis({ plugin, analysis: find('sae-evaluate'), models: [model], dataPath: data, params, inputs });
    expect(ev.inputs.files.map((f) => [f.role, f.path.split('/').at(-1)])).toEqual(expect.arrayContaining([['sae', 'cfg.json'], ['sae', 'sae_weights.safetensors']]));
    expect(ev.results.fve as number).toBeGreaterThan(0.5);
    expect(ev.results.lossRecovered as number).toBeGreaterThan(0.5);
    const a = await runAnalysis({ plugin, analysis: find('sae-features'), models: [model], dataPath: data, params: { ...params, latents: 5 }, inputs });
    const b = await runAnalysis({ plugin, analysis: find('sae-features'), models: [model], dataPath: data, params: { ...params, latents: 5 }, inputs });
    const strip = (e: typeof a) => JSON.stringify({ ...e, timings: null });
    expect(strip(a)).toEqual(strip(b));
    expect((a.results.latents as unknown[]).length).toBe(5);
    // The coloured contexts: one line per top context of each shown latent; its strongest token's value is
    // the activation the table reports, and every value is the latent's code at that token (independently:
    // the model's hook value encoded by the SAE).
    const tokens = a.sections.find((s) => s.kind === 'tokens');
    if (!tokens || tokens.kind !== 'tokens') throw new Error('no tokens section');
    const latents = a.results.latents as { index: number; topContexts: { activation: number }[] }[];
    expect(tokens.rows.length).toBe(latents.reduce((n, l) => n + l.topContexts.length, 0));
    const first = latents[0];
    expect(Math.max(...tokens.rows[0].values)).toBeCloseTo(first.topContexts[0].activation, 4);
    for (const row of tokens.rows) expect(row.tokens.length).toBe(row.values.length);
    expect(tokens.rows[0].label).toBe(`latent ${first.index} #1`);
    expect(tokens.rows[0].values.every((v) => v >= 0)).toBe(true);
    const html = await renderHtml(a);
    expect(html).toContain('&lt;bos&gt;');
    expect(html).not.toContain('<bos>');
    expect(html).toMatch(/<span class="tok" style="background:rgba\(240,140,20,1\.000\)" title="[^"]+">/);
    await expect(runAnalysis({ plugin, analysis: find('sae-evaluate'), models: [model], dataPath: data, params: { contextLength: 32 } })).rejects.toThrow(/sae/);
    await expect(runAnalysis({ plugin, analysis: find('sae-evaluate'), models: [model], dataPath: data, params: { contextLength: 32 }, inputs: parseInputAssignments([`sae=${dir}`]) })).rejects.toThrow(/has no cfg.json/);
    await model.dispose();
  });
});
