/**
 * The mechanics end to end on a shared real model (stories260K, llama2.c) with the paper's world_place
 * table (its is_test split, the authors' name normalisation, the coords prompt) and Pantheon's birth years.
 */
import { loadModel, runAnalysis, type HookedTransformer } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import { describe, expect, it } from 'vitest';
import plugin, { worldModelAnalysis } from '../src/index.js';

const modelFile = sharedFixture('models/stories260K/stories260K.bin');
const tokenizer = sharedFixture('models/stories260K/tok512.bin');
const places = sharedFixture('data/world-models/world_place.csv');
const pantheon = sharedFixture('data/pantheon/pantheon.tsv');
const missing = [modelFile, tokenizer, places, pantheon].find((f) => !f.path);

describe.skipIf(missing !== undefined)(`stories260K with the shared tables${missing ? ` (skipped: ${missing.reason})` : ''}`, () => {
  let model: Promise<HookedTransformer> | null = null;
  const stories = () => (model ??= loadModel(modelFile.path!, { tokenizer: tokenizer.path! }));

  it('world_place: every layer, the paper\'s split, block holdout by country', async () => {
    const report = await runAnalysis({
      plugin, analysis: worldModelAnalysis, models: [await stories()], dataPath: places.path!,
      params: { groupColumn: 'country', prompt: 'coords', nameStyle: 'world-place', maxEntities: 400, maxBlocks: 3, neurons: false },
    });
    const r = report.results as any;
    expect(r.entities).toMatchObject({ used: 400, split: 'column' });
    expect(r.entities.rows).toBe(39585);
    expect(r.layers).toHaveLength(5);
    expect(r.prompt).toBe('What are the lat/lon coordinates of ');
    for (const l of r.layers) {
      expect(l.haversineKm).toBeGreaterThan(0);
      expect(l.proximityError).toBeGreaterThan(0);
      expect(l.proximityError).toBeLessThan(1);
    }
    expect(r.blockHoldout.blocks[0].group).toBe('United_States');
  });

  it('Pantheon (TSV): birth years, rows without a readable year left out and listed', async () => {
    const report = await runAnalysis({
      plugin, analysis: worldModelAnalysis, models: [await stories()], dataPath: pantheon.path!,
      params: { targets: ['birthyear'], groupColumn: 'continentName', maxEntities: 300, layers: [2, 4], maxBlocks: 2 },
    });
    const r = report.results as any;
    expect(r.kind).toBe('scalar');
    // rows 61 ("530s"), 7301 ("1237?"), 7995 and 11073 ("Unknown")
    expect(r.entities.dropped).toBe(4);
    expect(report.sections.find((s) => s.kind === 'note')).toMatchObject({ text: expect.stringContaining('data row 61, birthyear "530s"') });
    expect(r.layers.map((l: any) => l.layer)).toEqual([2, 4]);
    expect(r.neurons.predictive.length).toBeGreaterThan(0);
  });
});
