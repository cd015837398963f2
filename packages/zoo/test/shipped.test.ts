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
    expect(resolveShippedModel('no-such-model')).toBeNull();
    expect(resolveShippedModel('../default')).toBeNull();
  });

  it('loads the default model by name through @marr/core', async () => {
    const model = await loadModel(resolveShippedModel('default') as string, { backend: 'reference' });
    expect(model.tokenizer?.encode('Paris is a city in').length).toBe(6);
    const { text } = await model.generate('Paris is a city in', { maxNewTokens: 1 });
    expect(text).toContain('France');
    await model.dispose();
  });
});
