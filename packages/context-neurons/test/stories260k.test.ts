/**
 * stories260K (../shared) on German Grimm and English Twain: the same mechanics on a real model. The
 * analysis runs from the files; the four runs on its chosen neuron equal the hook-by-hook re-run on the
 * reference backend; the path decomposition is additive within a small tolerance.
 */
import { loadModel, parseInputAssignments, runAnalysis, tokenWindows } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import plugin, { ablate, contextNeuronAnalysis, contextNeuronResults } from '../src/index.js';
import { byHand } from './hand-reference.js';
import { io } from './helpers.js';

const model = sharedFixture('models/stories260K/stories260K.bin');
const tokenizer = sharedFixture('models/stories260K/tok512.bin');
const german = sharedFixture('data/de-en-prose/de-grimm.txt');
const english = sharedFixture('data/de-en-prose/en-twain1.txt');
const missing = [model, tokenizer, german, english].find((f) => !f.path);

describe.skipIf(!!missing)(`stories260K context neuron (${missing?.reason ?? 'fixtures present'})`, () => {
  it('runs from the de-en-prose files and its ablation runs equal a hook-by-hook re-run', async () => {
    const m = await loadModel(model.path!, { tokenizer: tokenizer.path! });
    const report = await runAnalysis({
      plugin, analysis: contextNeuronAnalysis, models: [m], seed: 0,
      inputs: parseInputAssignments([`german=${german.path}`, `english=${english.path}`]),
      params: { windows: 16, contextLength: 64, layer: 2, neuron: 7, validationPrompts: 10, maxCandidates: 4 },
    });
    const r = contextNeuronResults.parse(report.results);
    expect(r.neuron).toMatchObject({ layer: 2, neuron: 7 });
    expect(r.paths.downstream).toEqual(['blocks.3.hook_attn_out', 'blocks.3.hook_mlp_out', 'blocks.4.hook_attn_out', 'blocks.4.hook_mlp_out']);
    // German is out of distribution for a TinyStories model: its loss is far above English.
    expect(r.loss.germanClean).toBeGreaterThan(r.loss.englishClean + 1);

    const reference = await loadModel(model.path!, { tokenizer: tokenizer.path!, backend: 'reference' });
    const docs = (p: string) => readFileSync(p, 'utf8').split(/\n\s*\n/);
    const w = {
      german: tokenWindows(docs(german.path!), m.tokenizer!, { contextLength: 48, maxTokens: 2 * 48 }),
      english: tokenWindows(docs(english.path!), m.tokenizer!, { contextLength: 48, maxTokens: 2 * 48 }),
      contextLength: 48,
    };
    const target = { layer: 2, neuron: 7, value: r.neuron.meanEnglish };
    const a = await ablate(m, w, target, 2, io());
    for (let s = 0; s < 2; s++) {
      const ref = await byHand(reference, w.german[s], target.layer, target.neuron, target.value);
      for (const run of ['clean', 'total', 'indirectRemoved', 'directOnly'] as const) {
        ref[run].forEach((x, p) => expect(a.german[run][s][p]).toBeCloseTo(x, 3));
      }
    }
  });
});
