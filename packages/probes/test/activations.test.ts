import { describe, expect, it } from 'vitest';
import { contextActivations, defaultProbeHookPoints, tokenActivations } from '../src/activations/collect.js';
import { smallRandomModel } from './helpers.js';

describe('activation collection', () => {
  const model = smallRandomModel(3);
  const seqs = [
    [256, 72, 101, 108, 108, 111],
    [256, 87, 111, 114],
    [256, 65, 66, 67, 68, 69],
  ];

  it('context rows are the per-sequence mean over positions after BOS, read directly from the cache', async () => {
    const hooks = defaultProbeHookPoints(model);
    expect(hooks).toEqual(['blocks.0.mlp.hook_post', 'blocks.1.mlp.hook_post']);
    const layers = await contextActivations(model, seqs, hooks, { batchSize: 2 });
    expect(layers[1].names[5]).toBe('L1N5');
    for (const [s, seq] of seqs.entries()) {
      const direct = (await model.runWithCache([seq])).cache.get('blocks.1.mlp.hook_post');
      const width = direct.shape[2];
      for (const j of [0, 7, 47]) {
        let mean = 0;
        for (let t = 1; t < seq.length; t++) mean += direct.data[t * width + j] / (seq.length - 1);
        expect(layers[1].x.data[s * width + j]).toBeCloseTo(mean, 5);
      }
    }
  });

  it('token rows are the activations at the requested positions', async () => {
    const layers = await tokenActivations(model, seqs, [[2, 4], [0, 1], [1, 3]], ['blocks.0.mlp.hook_post']);
    const direct = (await model.runWithCache([seqs[2]])).cache.get('blocks.0.mlp.hook_post');
    const width = direct.shape[2];
    for (let j = 0; j < width; j++) expect(layers[0].x.data[j]).toBeCloseTo(direct.data[4 * width + j], 5);
    await expect(tokenActivations(model, seqs, [[1, 9]], ['blocks.0.mlp.hook_post'])).rejects.toThrow(/position 9 of sequence 1 does not exist/);
    await expect(contextActivations(model, seqs, ['blocks.9.mlp.hook_post'])).rejects.toThrow(/does not exist in this model/);
  });
});
