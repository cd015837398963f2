import { loadModel } from '@marr/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listShippedModels, resolveShippedModel } from '../src/zoo/shipped.js';

describe('shipped models', () => {
  it('lists the default model first with its architecture and parameter count', () => {
    const models = listShippedModels();
    expect(models[0].name).toBe('default');
    expect(models[0].architecture).toBe('LlamaForCausalLM');
    expect(models[0].parameters).toBeGreaterThan(100_000);
    for (const m of models) {
      expect(existsSync(join(m.path, 'model.safetensors')), m.name).toBe(true);
      expect(existsSync(join(m.path, 'tokenizer.json')), m.name).toBe(true);
      expect(resolveShippedModel(m.name)).toBe(m.path);
    }
  });

  it('resolves only shipped names', () => {
    expect(resolveShippedModel('default')).toMatch(/models[\\/]default$/);
    expect(resolveShippedModel('organism-seed0-step-0')).toMatch(/organism-seed0[\\/]checkpoints[\\/]step-0$/);
    expect(resolveShippedModel('organism-seed0-step-7')).toBeNull();
    expect(resolveShippedModel('no-such-model')).toBeNull();
    expect(resolveShippedModel('../default')).toBeNull();
  });

  it('loads the default model folder through @marr/core', async () => {
    const model = await loadModel(resolveShippedModel('default') as string, { backend: 'reference' });
    expect(model.tokenizer?.encode('Paris is a city in').length).toBe(6);
    const { text } = await model.generate('Paris is a city in', { maxNewTokens: 1 });
    expect(text).toContain('France');
    await model.dispose();
  });
});

describe('the default model recovers the planted behaviours (held-out data, ground truth from the tables)', () => {
  it('does calendar arithmetic, recalls facts, refuses forbidden requests only, and copies repeated sequences', async () => {
    const { measureBehaviours } = await import('../src/evaluate/behaviours.js');
    const { vocabularyFromTokenizerJson } = await import('../src/tokenizer/word-tokenizer.js');
    const { readFileSync } = await import('node:fs');
    const dir = resolveShippedModel('default') as string;
    const model = await loadModel(dir);
    const vocab = vocabularyFromTokenizerJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
    const b = await measureBehaviours(model, vocab, { languageDocuments: 40, inductionSequences: 40 });
    await model.dispose();
    // answers are checked against the typed tables (CITIES, PEOPLE), Date-checked calendar answers and the refusal categories
    expect(b.calendar.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(b.facts.countryAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(b.facts.latitudeAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(b.facts.longitudeAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(b.facts.yearAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(b.refusal.forbiddenRefusalRate).toBeGreaterThanOrEqual(0.9);
    expect(b.refusal.ordinaryRefusalRate).toBeLessThanOrEqual(0.1);
    // the repeated half is predicted better than the first (the first half is uniform over the word pool)
    expect(b.induction.lossDrop).toBeGreaterThan(0.2);
  });
});
