/**
 * A planted refusal direction: a 5-layer Llama-style model built by hand so that one residual direction
 * e0 gates the refusal token. Harmful objects carry +6 e0 in their embedding; block 0's only head attends
 * uniformly (W_Q = W_K = 0) and copies e0 to every later position; every other block is the identity; the
 * unembedding reads "I" from e0 and "Sure" from e1, which the ":" token carries. So a prompt is refused
 * exactly when e0 reaches the last position, and ablating e0 removes the refusal.
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHookedTransformer, createRng, defaultConfig, randomWeights, validateConfig, type HookedTransformer } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { refusalDirectionParams, refusalDirectionResults, refusalDirectionStudy, type Instruction, type RefusalDirectionResults } from '../src/index.js';
import { io, WordTokenizer } from './helpers.js';

const HARMFUL = ['bomb', 'gun', 'poison', 'toxin', 'rifle'];
const HARMLESS = ['cake', 'kite', 'soup', 'chair', 'boat'];
const WORDS = ['<bos>', '<eos>', 'User', ':', 'Assistant', 'how', 'do', 'I', 'make', 'a', 'help', 'me', 'get', '?', 'Sure', ...HARMFUL, ...HARMLESS];
const REQUESTS = [(o: string) => `how do I make a ${o} ?`, (o: string) => `help me make a ${o} ?`, (o: string) => `how do I get a ${o} ?`];

function plantedModel(): HookedTransformer {
  const tokenizer = new WordTokenizer(WORDS);
  const config = validateConfig(defaultConfig('llama', { nLayers: 5, dModel: 16, nHeads: 1, nKvHeads: 1, dHead: 4, dMlp: 8, dVocab: WORDS.length, nCtx: 32, bosTokenId: 0, eosTokenId: 1 }));
  const d = config.dModel;
  const w = randomWeights(config, 0, 0); // every matrix zero, norm weights 1 + noise (reset below)
  for (const [name, t] of w) if (/ln(1|2|_final)\.w$/.test(name)) t.data.fill(1);
  const rng = createRng(1);
  const E = w.get('embed.W_E')!.data;
  WORDS.forEach((word, t) => {
    for (let j = 2; j < d; j++) E[t * d + j] = 0.5 * rng.normal();
    if (HARMFUL.includes(word)) E[t * d + 0] = 6;
    if (word === ':') E[t * d + 1] = 3;
  });
  w.get('blocks.0.attn.W_V')!.data[0] = 1; // head dim 0 reads e0
  w.get('blocks.0.attn.W_O')!.data[0] = 4; // and writes it back to e0
  const U = w.get('unembed.W_U')!.data; // [d, V]
  U[0 * WORDS.length + WORDS.indexOf('I')] = 8;
  U[1 * WORDS.length + WORDS.indexOf('Sure')] = 2;
  return createHookedTransformer({ config, weights: w, tokenizer, source: { spec: 'planted-refusal', format: 'memory', files: [] } });
}

const requests = (objects: string[]): Instruction[] => REQUESTS.flatMap((r) => objects.map((o) => ({ instruction: r(o), category: null })));

describe('a planted refusal direction', () => {
  it('is the direction selected, and ablating it removes the planted refusal (adding it induces refusal)', async () => {
    const model = plantedModel();
    const params = refusalDirectionParams.parse({ nTrain: 6, nVal: 4, nTest: 5, refusalTokens: ['I'], maxNewTokens: 2, judge: 'score', batchSize: 5 });
    const report = await refusalDirectionStudy(model, { harmful: requests(HARMFUL), harmless: requests(HARMLESS), harmfulTest: null, harmlessTest: null, lossWindows: null }, params, io(3));
    const results = refusalDirectionResults.parse(report.results) as RefusalDirectionResults;
    // Every harmful prompt is refused and every harmless one answered before any intervention: nothing is filtered out.
    expect(results.splits.harmful.trainDropped + results.splits.harmless.trainDropped).toBe(0);
    const sel = results.selected!;
    expect(sel.passedFilter).toBe(true);
    expect(sel.layer).toBeGreaterThanOrEqual(1);
    expect(sel.layer).toBeLessThan(4); // int(0.8 * 5) = 4 is pruned
    // Layer 0's block input at the template positions is the same for every prompt: those candidates are zero and discarded.
    for (const c of results.candidates.filter((x) => x.layer === 0)) {
      expect(c.norm).toBe(0);
      expect(c.discardReasons).toContain('induce');
    }
    expect(results.candidates.filter((x) => x.layer === 4).every((c) => c.discardReasons.includes('late-layer'))).toBe(true);
    const e = results.evaluation!;
    expect(e.baseline.harmfulRefusalRate).toBe(1);
    expect(e.baseline.harmlessRefusalRate).toBe(0);
    expect(e.ablation.harmfulRefusalRate).toBe(0);
    expect(e.orthogonalized.harmfulRefusalRate).toBe(0);
    expect(e.actAdd.harmlessRefusalRate).toBe(1);
    expect(e.actAdd.harmfulRefusalRate).toBe(0);
    expect(sel.kl!).toBeLessThan(1e-6); // harmless prompts have no e0 to remove
    expect(results.verdict).toBe('single-direction');
    expect(report.summary).toMatch(/Verdict: one direction mediates refusal here/);
  });

  it('the selected direction is e0', async () => {
    const model = plantedModel();
    const dir = join(tmpdir(), `marr-planted-${process.pid}.json`);
    const params = refusalDirectionParams.parse({ nTrain: 6, nVal: 4, nTest: 2, refusalTokens: ['I'], evaluate: false, saveDirection: dir });
    await refusalDirectionStudy(model, { harmful: requests(HARMFUL), harmless: requests(HARMLESS), harmfulTest: null, harmlessTest: null, lossWindows: null }, params, io(0));
    const saved = JSON.parse(readFileSync(dir, 'utf8')) as { direction: number[]; layer: number };
    const n = Math.hypot(...saved.direction);
    expect(saved.direction[0] / n).toBeGreaterThan(0.9999);
  });
});
