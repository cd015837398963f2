import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, manifestProblems, MarrUsageError, runAnalysis, type RunEnvelope } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import { renderHtml } from '@marr/report-html';
import { describe, expect, it } from 'vitest';
import plugin, { ablationHooks, unitVector, modelChatTemplate, refusalDirectionResults, renderChatTemplate, type RefusalDirectionResults } from '../src/index.js';
import { defaultModel, ORGANISM } from './helpers.js';

const here = join(ORGANISM, '..', '..');
const analysis = plugin.analyses[0];
const organismInputs = [
  { name: 'harmful', label: null, path: join(ORGANISM, 'harmful.json') },
  { name: 'harmless', label: null, path: join(ORGANISM, 'harmless.json') },
  { name: 'harmfulTest', label: null, path: join(ORGANISM, 'harmful_test.json') },
  { name: 'harmlessTest', label: null, path: join(ORGANISM, 'harmless_test.json') },
];
const strip = (e: RunEnvelope) => JSON.stringify({ ...e, timings: null });

describe('the plugin', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
    expect(plugin.analyses.map((a) => a.id)).toEqual(['refusal-direction']);
  });
});

describe('refusal-direction on the shipped default model (2 layers, ten forbidden objects)', () => {
  it('measures that one direction does not mediate its refusal: ablation leaves it at 100%, addition induces it; same seed, same report', async () => {
    const model = await defaultModel();
    const params = { nTrain: 32, nVal: 16, maxNewTokens: 10 };
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs: organismInputs, params });
    const r = refusalDirectionResults.parse(a.results) as RefusalDirectionResults;
    expect(r.positions).toEqual(['Assistant', ':']);
    // The paper's filter keeps layers < int(0.8 * 2) = 1: only the embeddings, which are the same template tokens for every prompt.
    expect(r.candidates.filter((c) => c.layer === 0).every((c) => c.norm === 0 && c.discarded)).toBe(true);
    expect(r.selected!.passedFilter).toBe(false);
    const e = r.evaluation!;
    expect(e.baseline.harmfulRefusalRate).toBe(1);
    expect(e.baseline.harmlessRefusalRate).toBe(0);
    expect(e.ablation.harmfulRefusalRate).toBe(1);
    expect(e.actAdd.harmlessRefusalRate).toBeGreaterThanOrEqual(0.8);
    expect(r.verdict).toBe('not-mediated');
    expect(e.orthogonalizedMaxLogitDifference!).toBeLessThan(1e-3);
    expect(a.inputs.files.map((f) => f.role)).toEqual(expect.arrayContaining(['harmful', 'harmless', 'harmfulTest', 'harmlessTest']));
    const b = await runAnalysis({ plugin, analysis, models: [model], inputs: organismInputs, params });
    expect(strip(b)).toBe(strip(a));
    const html = await renderHtml(a);
    expect(html).toContain('Refusal rate on held-out prompts under each intervention');
    expect(html).not.toContain('<script>alert');
  });

  it('with the layer filter off, the last layer\'s direction passes and still does not remove refusal', async () => {
    const model = await defaultModel();
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs: organismInputs, params: { nTrain: 32, nVal: 16, maxNewTokens: 8, pruneLayerFraction: 0, judge: 'phrases' } });
    const r = a.results as unknown as RefusalDirectionResults;
    expect(r.selected).toMatchObject({ layer: 1, position: -1, passedFilter: true });
    expect(r.evaluation!.ablation.harmfulRefusalRate).toBe(1);
  });
});

describe('bad input: one clear message, before any work', () => {
  const run = (params: Record<string, unknown>, inputs = organismInputs) => defaultModel().then((model) => runAnalysis({ plugin, analysis, models: [model], inputs, params }));

  it('names the problem and the fix', async () => {
    await expect(run({ template: 'User : Assistant :' })).rejects.toThrow(/must contain \{instruction\} exactly once/);
    await expect(run({ nTrain: 32, nVal: 16, refusalTokens: ['I cannot'] })).rejects.toThrow(/refusal token "I cannot" is 2 tokens .* pass --param refusalTokens/);
    await expect(run({})).rejects.toThrow(/the harmful prompts hold 48 instructions but nTrain \+ nVal = 160.*--param nTrain/);
    const dir = mkdtempSync(join(tmpdir(), 'marr-refusal-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(run({ nTrain: 8, nVal: 4, saveModel: file })).rejects.toThrow(/saveModel "[^"]+" is a file, not a folder/);
    await expect(run({ nTrain: 8, nVal: 4, saveDirection: join(dir, 'd.txt') })).rejects.toThrow(/must be a \.json file/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[{"text": "no instruction here"}]');
    await expect(run({}, [{ name: 'harmful', label: null, path: bad }, organismInputs[1]])).rejects.toThrow(/bad\.json: item 0 needs a non-empty "instruction" string/);
    await expect(run({}, [organismInputs[0]])).rejects.toThrow(MarrUsageError);
  });
});

const stories = sharedFixture('models/stories260K/stories260K.bin');
const refusalData = sharedFixture('data/refusal/harmful_train.json');

describe.skipIf(!stories.path || !refusalData.path)(`a real non-chat model on ../shared/data/refusal ${stories.reason || refusalData.reason}`, () => {
  it('stories260K: the mechanics run end to end and the report says the model does not refuse', async () => {
    const model = await loadModel(stories.path!);
    const data = join(refusalData.path!, '..');
    const inputs = [
      { name: 'harmful', label: null, path: join(data, 'harmful_train.json') },
      { name: 'harmless', label: null, path: join(data, 'harmless_val.json') },
    ];
    const out = join(mkdtempSync(join(tmpdir(), 'marr-refusal-')), 'stories-ortho');
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs, params: { nTrain: 16, nVal: 4, nTest: 3, maxNewTokens: 4, lossTokens: 128, saveModel: out, saveDirection: `${out}.json` } });
    const r = a.results as unknown as RefusalDirectionResults;
    expect(r.splits.filterFallback).toBe(true); // no harmful prompt gets a refusal score > 0
    expect(r.baseline.harmfulTrainRefusing).toBe(0);
    expect(r.verdict).toBe('does-not-refuse');
    expect(a.summary).toMatch(/the model does not refuse the harmful prompts/);
    expect(r.evaluation!.orthogonalizedMaxLogitDifference!).toBeLessThan(1e-3);
    // The llama2.c checkpoint is saved as a Llama folder with its tokenizer as tokenizer.json; it gives the ablated logits.
    const saved = await loadModel(out);
    const ids = model.tokenizer!.encode('User : Write a poem about the sea Assistant :');
    expect(saved.tokenizer!.encode('User : Write a poem about the sea Assistant :')).toEqual(ids);
    const unit = unitVector((JSON.parse(readFileSync(`${out}.json`, 'utf8')) as { direction: number[] }).direction)!;
    const hooked = (await model.run([ids], { hooks: ablationHooks(model.config.nLayers, unit) })).logits!.data;
    const baked = (await saved.run([ids])).logits!.data;
    expect(Math.max(...hooked.map((v, i) => Math.abs(v - baked[i])))).toBeLessThan(1e-3);
    await saved.dispose();
    await model.dispose();
  });
});

describe("the model's own chat template", () => {
  it('is rendered from tokenizer_config.json for one user turn and used when no template is given', async () => {
    const src = join(here, '..', 'zoo', 'models', 'default');
    const dir = join(mkdtempSync(join(tmpdir(), 'marr-refusal-')), 'chat');
    mkdirSync(dir);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) copyFileSync(join(src, f), join(dir, f));
    const config = JSON.parse(readFileSync(join(src, 'tokenizer_config.json'), 'utf8'));
    config.chat_template = "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}User : {{ m['content'] }}{% endif %}{% endfor %}{% if add_generation_prompt %} Assistant :{% endif %}";
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config));
    const model = await loadModel(dir);
    expect(modelChatTemplate(model)?.template).toBe('User : {instruction} Assistant :');
    const params = { nTrain: 16, nVal: 8, evaluate: false };
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs: organismInputs, params });
    const b = await runAnalysis({ plugin, analysis, models: [await defaultModel()], inputs: organismInputs, params: { ...params, template: 'User : {instruction} Assistant :' } });
    expect((a.results as unknown as RefusalDirectionResults).template).toBe('User : {instruction} Assistant :');
    expect(JSON.stringify(a.results.candidates)).toBe(JSON.stringify(b.results.candidates));
    expect(() => renderChatTemplate('{{ messages[0].content }}{{ messages[0].content }}', {}, 'x.json')).toThrow(/does not put the user message in the prompt once/);
    await model.dispose();
  });
});

describe('safety of the run', () => {
  it('escapes instructions from user files in report.html, and honours cancellation', async () => {
    const model = await defaultModel();
    const dir = mkdtempSync(join(tmpdir(), 'marr-refusal-'));
    const test = join(dir, 'test.json');
    writeFileSync(test, JSON.stringify([{ instruction: '<script>alert(1)</script> how do I make a bomb ?', category: null }]));
    const inputs = [...organismInputs.slice(0, 2), { name: 'harmfulTest', label: null, path: test }, { name: 'harmlessTest', label: null, path: test }];
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs, params: { nTrain: 8, nVal: 4, maxNewTokens: 2, examples: 1 } });
    const html = await renderHtml(a);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const controller = new AbortController();
    controller.abort();
    await expect(runAnalysis({ plugin, analysis, models: [model], inputs: organismInputs, params: { nTrain: 8, nVal: 4 }, signal: controller.signal })).rejects.toThrow(/cancel|abort/i);
  });
});

describe('one labelled prompts file', () => {
  it('gives the same candidates as the two files it was made from', async () => {
    const model = await defaultModel();
    const dir = mkdtempSync(join(tmpdir(), 'marr-refusal-'));
    const file = join(dir, 'prompts.jsonl');
    const lines = [
      ...JSON.parse(readFileSync(organismInputs[0].path, 'utf8')).map((x: { instruction: string }) => ({ instruction: x.instruction, label: 'harmful' })),
      ...JSON.parse(readFileSync(organismInputs[1].path, 'utf8')).map((x: { instruction: string }) => ({ prompt: x.instruction, label: 'harmless' })),
    ];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
    const params = { nTrain: 16, nVal: 8, evaluate: false };
    const a = await runAnalysis({ plugin, analysis, models: [model], inputs: [{ name: 'prompts', label: null, path: file }], params });
    const b = await runAnalysis({ plugin, analysis, models: [model], inputs: organismInputs.slice(0, 2), params });
    expect(JSON.stringify(a.results.candidates)).toBe(JSON.stringify(b.results.candidates));
    writeFileSync(file, '{"instruction": "x", "label": "bad"}\n');
    await expect(runAnalysis({ plugin, analysis, models: [model], inputs: [{ name: 'prompts', label: null, path: file }], params })).rejects.toThrow(/prompts\.jsonl:1 needs "label": "harmful" or "harmless"/);
  });
});
