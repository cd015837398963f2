/**
 * With a model: the activations the analysis probes against a hand-written one-prompt-at-a-time re-run,
 * the zoo entity tables against the zoo's facts, space/time neurons planted in a model's weights, and
 * the analysis end to end on the shipped default model.
 */
import '@marr/zoo';
import { CITIES, PEOPLE } from '@marr/zoo';
import { loadModel, randomModel, runAnalysis, type HookedTransformer } from '@marr/core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import plugin, { neuronCosines, weightAlignment, worldModelAnalysis } from '../src/index.js';
import { lastTokenActivations, tokenizePrompts } from '../src/activations/last-token.js';
import { createRng } from '@marr/core';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
let shipped: Promise<HookedTransformer> | null = null;
const defaultModel = (): Promise<HookedTransformer> => (shipped ??= loadModel('default'));

describe('zoo entity tables', () => {
  it('hold exactly the zoo facts (scripts/zoo-entities.mjs)', () => {
    const cities = readFileSync(join(examples, 'zoo-cities.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(cities.map((c) => [c[0], Number(c[1]), Number(c[2]), c[3]])).toEqual(CITIES.map((c) => [c.city, c.lat, c.lon, c.country]));
    const people = readFileSync(join(examples, 'zoo-people.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(people.map((p) => [p[0], Number(p[1])])).toEqual(PEOPLE.map((p) => [p.name, p.born]));
  });
});

describe('last-token activations', () => {
  it('equal a one-prompt-at-a-time run read at the last position, whatever the batching', async () => {
    const model = await defaultModel();
    const prompts = ['Paris', 'The coordinates of Tokyo', 'Lima', 'In Oslo', 'The coordinates of Cairo'];
    const sequences = tokenizePrompts(model, prompts);
    expect(sequences[0][0]).toBe(model.tokenizer!.bosTokenId);
    const hooks = [0, 1].map((layer) => ({ layer, hookPoint: `blocks.${layer}.hook_resid_post` }));
    const [l0, l1] = await lastTokenActivations(model, sequences, hooks, { batchSize: 2 });
    for (const [i, ids] of sequences.entries()) {
      const run = await model.runWithCache([ids], { cache: hooks.map((h) => h.hookPoint), returnLogits: false });
      for (const [k, m] of [l0, l1].entries()) {
        const act = run.cache.get(hooks[k].hookPoint);
        const [, seq, d] = act.shape;
        for (let j = 0; j < d; j++) {
          // float32 sums in another batch order: equal to a few ulps
          const want = act.data[(seq - 1) * d + j];
          expect(Math.abs(m.x.data[i * d + j] - want)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
        }
      }
    }
  });
});

describe('space and time neurons', () => {
  it('finds neurons whose weights were set along the probe direction, and scores chance below them', () => {
    const model = randomModel({ architecture: 'llama', nLayers: 2, dModel: 24, nHeads: 2, nKvHeads: 2, dHead: 12, dMlp: 40, dVocab: 30, nCtx: 16 }, { seed: 3 });
    const rng = createRng(1);
    const dir = Array.from({ length: 24 }, () => rng.normal());
    const win = model.weights.get('blocks.1.mlp.W_in')!;
    const data = Float32Array.from(win.data);
    for (let k = 0; k < 24; k++) data[k * 40 + 5] = 2 * dir[k]; // column 5 of [d, f]
    model.setWeight('blocks.1.mlp.W_in', { dtype: 'float32', shape: win.shape, data });
    const wout = model.weights.get('blocks.0.mlp.W_out')!;
    const out = Float32Array.from(wout.data);
    for (let k = 0; k < 24; k++) out[7 * 24 + k] = -0.5 * dir[k]; // row 7 of [f, d]
    model.setWeight('blocks.0.mlp.W_out', { dtype: 'float32', shape: wout.shape, data: out });

    const { top, chance } = weightAlignment(model, [{ target: 'latitude', direction: dir }], 3, createRng(2));
    const first = (w: string) => top.find((t) => t.weight === w)!;
    expect(first('W_in')).toMatchObject({ layer: 1, neuron: 5 });
    expect(first('W_in').cosine).toBeCloseTo(1, 5);
    expect(first('W_out')).toMatchObject({ layer: 0, neuron: 7 });
    expect(first('W_out').cosine).toBeCloseTo(-1, 5);
    for (const c of chance) expect(c.maxAbsCosine).toBeLessThan(0.9);
    // one untouched neuron by hand
    const w = model.weights.get('blocks.0.mlp.W_gate')!;
    const col = Array.from({ length: 24 }, (_, k) => w.data[k * 40 + 11]);
    const byHand = col.reduce((s, v, k) => s + v * dir[k], 0) / (Math.hypot(...col) * Math.hypot(...dir));
    expect(neuronCosines(model, 'W_gate', dir)[0][11]).toBeCloseTo(byHand, 6);
  });
});

describe('world-model on the shipped default model', () => {
  it('probes every layer for the cities, holds out continents, lists neurons', async () => {
    const model = await defaultModel();
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, models: [model], dataPath: join(examples, 'zoo-cities.csv'), params: { groupColumn: 'continent', minBlockSize: 4 } });
    const r = report.results as any;
    expect(r.kind).toBe('place');
    expect(r.layers.map((l: any) => l.layer)).toEqual([0, 1]);
    expect(r.entities).toMatchObject({ rows: CITIES.length, used: CITIES.length, split: 'random' });
    expect(r.blockHoldout.blocks.map((b: any) => b.group)).toContain('Europe');
    expect(r.neurons.layer).toBe(r.best.layer);
    expect(r.neurons.weightAlignment.top.length).toBeGreaterThan(0);
    expect(report.summary).toMatch(/test R²/);
  });

  it('the people\'s birth years, with a prefix and a suffix', async () => {
    const model = await defaultModel();
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, models: [model], dataPath: join(examples, 'zoo-people.csv'), params: { targets: ['year'], groupColumn: 'century', prompt: 'custom', prefix: 'In ', suffix: ' was born in', neurons: false } });
    const r = report.results as any;
    expect(r.kind).toBe('scalar');
    expect(r.prompt).toBe('In ');
    expect(r.suffix).toBe(' was born in');
    expect(report.summary).toContain('the last token of "<name> was born in"');
    expect(r.layers).toHaveLength(2);
  });

  it('the same seed gives the same report apart from timings', async () => {
    const model = await defaultModel();
    const once = async () => {
      const { timings, startedAt, ...rest } = (await runAnalysis({ plugin, analysis: worldModelAnalysis, models: [model], dataPath: join(examples, 'zoo-cities.csv'), params: { groupColumn: 'continent', minBlockSize: 4 }, seed: 9 })) as any;
      void timings, void startedAt;
      return JSON.stringify(rest);
    };
    expect(await once()).toBe(await once());
  });

  it('the paper\'s random prompt', async () => {
    const model = await defaultModel();
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, models: [model], dataPath: join(examples, 'zoo-cities.csv'), params: { prompt: 'random', neurons: false } });
    expect((report.results as any).prompt).toBe('<10 random tokens>');
  });

  it('says when a layer does not exist or a prefix is given without prompt=custom', async () => {
    const model = await defaultModel();
    const run = (params: Record<string, unknown>) => runAnalysis({ plugin, analysis: worldModelAnalysis, models: [model], dataPath: join(examples, 'zoo-cities.csv'), params });
    await expect(run({ layers: [5] })).rejects.toThrow(/layer 5 does not exist; the model has layers 0..1/);
    await expect(run({ prefix: 'In ' })).rejects.toThrow(/only with prompt=custom/);
  });
});
