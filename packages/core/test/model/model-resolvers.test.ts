import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel, modelResolvers, randomModel, registerModelResolver, resolveModelName, writeHfGpt2Folder } from '../../src/index.js';

describe('model-name resolvers', () => {
  it('resolve names through registered resolvers in order; paths are never names; loadModel records the name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marr-resolve-'));
    const cfg = { architecture: 'gpt2' as const, nLayers: 1, dModel: 8, nHeads: 2, dMlp: 16, dVocab: 11, nCtx: 8 };
    const folder = join(dir, 'tiny');
    const source = randomModel(cfg, { seed: 1 });
    await writeHfGpt2Folder(source.config, source.weights, folder);
    expect(await resolveModelName('tiny')).toBeNull();
    const off = registerModelResolver({ name: 'test-a', resolve: (s) => (s === 'tiny' ? folder : null) });
    const offB = registerModelResolver({ name: 'test-b', resolve: async (s) => (s === 'tiny' || s === 'other' ? '/nowhere' : null) });
    expect(await resolveModelName('tiny')).toEqual({ path: folder, resolver: 'test-a' });
    expect(await resolveModelName('other')).toEqual({ path: '/nowhere', resolver: 'test-b' });
    expect(await resolveModelName(folder)).toBeNull();
    const model = await loadModel('tiny', { backend: 'reference' });
    expect(model.source.spec).toBe('tiny');
    expect(model.config.dModel).toBe(8);
    // Registering a name again replaces its resolver.
    const offA = registerModelResolver({ name: 'test-a', resolve: () => null });
    expect((await resolveModelName('tiny'))?.resolver).toBe('test-b');
    off();
    offA();
    offB();
    expect(modelResolvers().map((r) => r.name)).not.toContain('test-b');
    await expect(loadModel('tiny')).rejects.toThrow(/model "tiny" is not a file or folder, and no model resolver knows that name/);
  });
});
