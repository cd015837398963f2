import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createHookedTransformer, defaultConfig, manifestProblems, randomWeights, runAnalysis, validateConfig,
  type HookedTransformer, type RunEnvelope,
} from '@marr/core';
import { renderHtml } from '@marr/report-html';
import { describe, expect, it } from 'vitest';
import plugin, { saliencyParams, saliencyResults, saliencyStudy, type SaliencyResults } from '../src/index.js';
import { defaultModel, PACKAGE_DIR, REFUSAL_PROMPTS, silent, WordTokenizer } from './helpers.js';

const analysis = plugin.analyses[0];
const strip = (e: RunEnvelope) => JSON.stringify({ ...e, timings: null });
const prompts = (path = REFUSAL_PROMPTS) => [{ name: 'prompts', label: null, path }];

/** logit(a) - logit(b) at the last position from a plain model.run(), with hook_embed optionally replaced. */
async function logitDiff(model: HookedTransformer, ids: number[], a: number, b: number, embedding?: Float32Array): Promise<number> {
  const hooks = embedding ? [{ name: 'hook_embed', edit: (x: { data: Float32Array }) => void x.data.set(embedding) }] : [];
  const { logits } = await model.run([ids], { hooks });
  const V = model.config.dVocab, o = (ids.length - 1) * V;
  return logits!.data[o + a] - logits!.data[o + b];
}

describe('the plugin', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
    expect(plugin.analyses.map((a) => a.id)).toEqual(['saliency']);
  });
});

describe('saliency on the shipped default model (refusal: a forbidden object decides "I" over "Sure")', () => {
  it('planted ground truth: on every forbidden request the most attributed token is the forbidden object; metric(x), metric(x\') from plain runs', async () => {
    const model = await defaultModel();
    const env = await runAnalysis({ plugin, analysis, models: [model], inputs: prompts(), params: { steps: 64 } });
    const r = saliencyResults.parse(env.results) as SaliencyResults;
    expect(r.prompts).toHaveLength(6);
    const forbidden = r.prompts.filter((p) => p.answer === 'I');
    expect(forbidden.map((p) => p.top.token)).toEqual(['bomb', 'gun', 'weapon']);
    for (const p of forbidden) expect(p.top.attribution).toBeGreaterThan(0.5 * (p.metric - p.baselineMetric));
    expect(r.completeness.meanRelativeError!).toBeLessThan(0.01);
    const D = model.config.dModel;
    for (const p of r.prompts) {
      const a = model.toSingleToken(p.answer), b = model.toSingleToken(p.wrong!);
      expect(p.metric).toBeCloseTo(await logitDiff(model, p.ids, a, b), 3);
      // The zero baseline with BOS kept: BOS's embedding, zeros elsewhere.
      const { cache } = await model.runWithCache([p.ids], { cache: ['hook_embed'] });
      const base = new Float32Array(p.ids.length * D);
      base.set(cache.get('hook_embed').data.subarray(0, D));
      expect(p.baselineMetric).toBeCloseTo(await logitDiff(model, p.ids, a, b, base), 3);
      expect(p.attributions[0]).toBe(0);
      expect(p.completenessError).toBeCloseTo(p.attributions.reduce((s, v) => s + v, 0) - (p.metric - p.baselineMetric), 6);
    }
    // The completeness error shrinks with the steps (1, 2, 4, ..., 64).
    expect(r.convergence.map((c) => c.steps)).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(r.convergence[6].meanAbsError).toBeLessThan(r.convergence[0].meanAbsError);
    expect(env.summary).toMatch(/The most attributed token is "bomb" in prompt 1/);
  });

  it('the same seed gives the same report.json apart from timings', async () => {
    const model = await defaultModel();
    const params = { steps: 8, convergence: false };
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs: prompts(), params, seed: 3 });
    const b = await runAnalysis({ plugin, analysis, models: [model], inputs: prompts(), params, seed: 3 });
    expect(strip(a)).toBe(strip(b));
  });

  it('without answer tokens it attributes the model\'s own top prediction against its runner-up', async () => {
    const model = await defaultModel();
    const prompt = 'User : can you help me build a gun ? Assistant :';
    const env = await runAnalysis({ plugin, analysis, models: [model], params: { prompt, steps: 4, convergence: false } });
    const r = env.results as unknown as SaliencyResults;
    const ids = model.tokenizer!.encode(prompt);
    const { logits } = await model.run([ids]);
    const V = model.config.dVocab;
    const last = Array.from(logits!.data.subarray((ids.length - 1) * V, ids.length * V));
    const order = last.map((v, i) => [v, i]).sort((x, y) => y[0] - x[0]).map(([, i]) => i);
    expect(r.prompts[0].answer).toBe(model.tokenizer!.tokenString(order[0]));
    expect(r.prompts[0].wrong).toBe(model.tokenizer!.tokenString(order[1]));
    expect(r.prompts[0].answerPredicted).toBe(true);
  });

  it('bad input: one clear message each', async () => {
    const model = await defaultModel();
    const run = (params: Record<string, unknown>, inputs = prompts()) => runAnalysis({ plugin, analysis, models: [model], inputs, params });
    await expect(run({ steps: 0 })).rejects.toThrow(/steps/);
    await expect(run({ baseline: 'token:blorp' })).rejects.toThrow(/--param baseline=token:blorp: the baseline token "blorp" is not in the model's vocabulary/);
    await expect(run({ baseline: 'token:a bomb' })).rejects.toThrow(/is 2 tokens/);
    await expect(run({ baseline: 'average' })).rejects.toThrow(/--param baseline=average is not a baseline; use zero: /);
    await expect(run({}, [])).rejects.toThrow(/saliency needs prompts: --input prompts=/);
    await expect(run({ prompt: 'User : hello Assistant :', answer: 'Sure', wrong: 'Sure' }, [])).rejects.toThrow(/the answer and the wrong token are both "Sure"/);
    const dir = mkdtempSync(join(tmpdir(), 'saliency-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"prompt": "User : hello Assistant :", "answer": "I cannot"}\n');
    await expect(run({}, prompts(bad))).rejects.toThrow(/bad\.jsonl:1: the answer "I cannot" is 2 tokens/);
    writeFileSync(bad, '{"prompt": "User : hello Assistant :"}\n{"text": "x"}\n');
    await expect(run({}, prompts(bad))).rejects.toThrow(/bad\.jsonl:2: .*each line must look like/);
  });
});

describe('cancellation', () => {
  it('an aborted signal ends the run with the cancellation message', async () => {
    const model = await defaultModel();
    const controller = new AbortController();
    controller.abort();
    const prompt = [{ source: 'test', text: 'User : can you help me build a gun ? Assistant :', answer: 'I', wrong: 'Sure' }];
    await expect(saliencyStudy(model, prompt, saliencyParams.parse({ steps: 4 }), { progress: silent, signal: controller.signal })).rejects.toThrow(/the run was cancelled/);
  });
});

describe('the HTML report', () => {
  it('escapes the token strings', async () => {
    const words = ['<bos>', '<eos>', '<script>alert(1)</script>', 'a&b', '"q"', 'x', 'y', 'z'];
    const config = validateConfig(defaultConfig('llama', { nLayers: 1, dModel: 16, nHeads: 2, nKvHeads: 2, dMlp: 24, dVocab: words.length, nCtx: 16, bosTokenId: 0, eosTokenId: 1 }), 'test');
    const model = createHookedTransformer({ config, weights: randomWeights(config, 4, 0.3), tokenizer: new WordTokenizer(words) });
    const env = await runAnalysis({ plugin, analysis, models: [model], params: { prompt: 'x <script>alert(1)</script> a&b "q" y', answer: 'z', wrong: 'x', steps: 4 } });
    const html = await renderHtml(env);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a&amp;b');
  });
});
