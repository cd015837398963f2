/**
 * Planted ground truth (test/planted.ts): the method must find L0N5, attribute the A -> B bigram's loss
 * to the path through L1N7 (indirectRemoved) and not to the direct path, and mine trigrams ending in A B.
 */
import { describe, expect, it } from 'vitest';
import { ablate, contextEffect, probeNeurons, contextNeuronParams, contextNeuronResults, contextNeuronStudy, locate, type LanguageWindows } from '../src/index.js';
import { io } from './helpers.js';
import { A, B, CONTEXT_LAYER, CONTEXT_NEURON, plantedModel, plantedWindows } from './planted.js';

const windows = (): LanguageWindows => ({ german: plantedWindows('german', 24, 48, 1), english: plantedWindows('english', 24, 48, 2), contextLength: 48 });
const params = contextNeuronParams.parse({ validationPrompts: 20, maxCandidates: 12 });

describe('a planted context neuron and the bigram that needs it', () => {
  it('the probes find L0N5 (F1 near 1, higher mean on German), and its English mean is 0', async () => {
    const model = plantedModel();
    const found = await locate(model, windows(), params, 0, io());
    expect([found.chosen.layer, found.chosen.neuron]).toEqual([CONTEXT_LAYER, CONTEXT_NEURON]);
    expect(found.chosenIsCandidate).toBe(true);
    expect(found.chosen.f1).toBeGreaterThan(0.98);
    expect(found.chosen.meanGerman).toBeGreaterThan(3);
    expect(found.chosen.meanEnglish).toBe(0); // relu of a negative pre-activation on every English row
  });

  it('probing one layer per pass (a small memory budget) gives the same probes as all layers at once', async () => {
    const model = plantedModel();
    const w = windows();
    const o = { positionStart: 10, positionEnd: 400, maxRows: 500, testFraction: 0.2, C: 1, seed: 0, batchSize: 8 };
    expect(await probeNeurons(model, w.german, w.english, { ...o, memoryBytes: 1 })).toEqual(await probeNeurons(model, w.german, w.english, o));
  });

  it('ablation breaks A -> B through the later MLP: total = indirectRemoved + directOnly where they do not interact', async () => {
    const model = plantedModel();
    const w = windows();
    const a = await ablate(model, w, { layer: CONTEXT_LAYER, neuron: CONTEXT_NEURON, value: 0 }, 8, io());
    // English never turns the neuron on, so setting it to 0 changes nothing there.
    expect(a.loss.englishAblated).toBeCloseTo(a.loss.englishClean, 6);
    expect(a.loss.germanAblated - a.loss.germanClean).toBeGreaterThan(0.2);
    expect(a.paths.downstream).toEqual(['blocks.1.hook_attn_out', 'blocks.1.hook_mlp_out']);
    // At every German A -> B position the whole effect goes through the later layer, none directly.
    let bigrams = 0;
    w.german.forEach((seq, s) => {
      for (let p = 10; p < seq.length - 1; p++) {
        if (seq[p] !== A || seq[p + 1] !== B) continue;
        bigrams++;
        const clean = a.german.clean[s][p];
        expect(clean).toBeLessThan(0.01);
        expect(a.german.total[s][p] - clean).toBeGreaterThan(3);
        expect(a.german.indirectRemoved[s][p] - clean).toBeGreaterThan(3);
        expect(Math.abs(a.german.directOnly[s][p] - clean)).toBeLessThan(0.01);
      }
    });
    expect(bigrams).toBeGreaterThan(20);
    // Averaged over all German positions: the two paths add up to the total within 0.05 nats.
    const inc = (x: number) => x - a.paths.clean;
    expect(Math.abs(inc(a.paths.total) - inc(a.paths.indirectRemoved) - inc(a.paths.directOnly))).toBeLessThan(0.05);
    expect(inc(a.paths.indirectRemoved)).toBeGreaterThan(5 * inc(a.paths.directOnly));
  });

  it('with no later component the runs collapse: indirectRemoved = clean, directOnly = total', async () => {
    const model = plantedModel();
    const w = windows().german.slice(0, 4);
    const e = await contextEffect(model, w, { layer: 1, neuron: 7, value: 0 }, { batchSize: 4 });
    for (let s = 0; s < w.length; s++) {
      for (let p = 0; p < w[s].length - 1; p++) {
        expect(e.indirectRemoved[s][p]).toBeCloseTo(e.clean[s][p], 6);
        expect(e.directOnly[s][p]).toBeCloseTo(e.total[s][p], 6);
      }
    }
  });

  it('the analysis mines and validates trigrams ending in A B, and says so', async () => {
    const model = plantedModel();
    const report = await contextNeuronStudy(model, windows(), params, 0, io());
    const results = contextNeuronResults.parse(report.results);
    expect(results.neuron).toMatchObject({ layer: 0, neuron: 5, candidate: true });
    expect(results.ngrams.length).toBeGreaterThan(3);
    for (const g of results.ngrams) {
      expect(g.ids.slice(1)).toEqual([A, B]);
      expect(g.clean).toBeLessThan(0.1);
      expect(g.total - g.clean).toBeGreaterThan(3);
      expect(g.directOnly - g.clean).toBeLessThan(0.1);
    }
    expect(report.summary).toMatch(/^L0N5 separates German from English/);
    expect(report.summary).toMatch(/pass validation/);
    const tokens = report.sections.find((s) => s.kind === 'tokens');
    expect(tokens && tokens.kind === 'tokens' && tokens.rows[0].tokens.slice(-2)).toEqual(['t32 ', 't33 ']);
  });
});
