/**
 * The real model: stories260K (llama2.c, 5 layers) on TinyStories validation text. The paper's
 * headline shape must appear: deleting the first layer is far more harmful than deleting a middle one.
 */
import { loadModel, runAnalysis, type AnyAnalysis } from '@marr/core';
import { sharedFixture } from '@marr/core/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const ckpt = sharedFixture('models/stories260K/stories260K.bin');
const tok = sharedFixture('models/stories260K/tok512.bin');
const data = sharedFixture('data/tinystories/tinystories_valid_30k.txt');
const missing = !ckpt.path || !tok.path || !data.path;

describe.skipIf(missing)(`stories260K on TinyStories ${missing ? `(skipped: ${ckpt.reason || tok.reason || data.reason})` : ''}`, () => {
  it('first-layer deletion is far more harmful than a middle layer, and middle layers keep most accuracy', async () => {
    const model = await loadModel(ckpt.path!, { tokenizer: tok.path! });
    const analysis = plugin.analyses.find((a) => a.id === 'layer-robustness') as AnyAnalysis;
    const env = await runAnalysis({ plugin, analysis, models: [model], dataPath: data.path!, params: { contextLength: 64, maxTokens: 1024 } });
    const del = env.results.deletion as { layer: number; kl: number; accuracyRetention: number; accuracyOriginal: number }[];
    expect(del).toHaveLength(5);
    // The trained model predicts TinyStories well (chance is 1/512).
    expect(del[0].accuracyOriginal).toBeGreaterThan(0.3);
    expect(del[0].kl).toBeGreaterThan(2 * del[2].kl);
    expect(del[0].accuracyRetention).toBeLessThan(del[2].accuracyRetention);
    expect(del[2].accuracyRetention).toBeGreaterThan(0.5);
    await model.dispose();
  });
});
