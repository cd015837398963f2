import { describe, expect, it } from 'vitest';
import { randomModel, softmax, tensor } from '@marr/core';
import { lensTokenView } from '../src/lens/logit-lens.js';

// After the last block the lens is the model's own output: its top tokens and their probabilities are
// the argmax and the softmax maximum of the final logits, position by position.
describe('lensTokenView', () => {
  it('the last layer row is the argmax and top probability of the final logits; earlier rows are the truncated model', async () => {
    const model = randomModel({ architecture: 'gpt2', nLayers: 3, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 30, nCtx: 32 }, { seed: 8, std: 0.3 });
    const window = [1, 5, 9, 2, 7, 3, 3, 11];
    const view = await lensTokenView(model, window, 6);
    expect(view.input).toEqual(window.slice(0, 6));
    expect(view.layers.map((r) => r.layer)).toEqual([0, 1, 2]);
    for (const [l, schedule] of [[2, [0, 1, 2]], [0, [0]]] as const) {
      const logits = (await model.run([window], { schedule: [...schedule] })).logits!;
      for (let p = 0; p < 6; p++) {
        const row = Array.from(logits.data.subarray(p * 30, (p + 1) * 30));
        const best = row.indexOf(Math.max(...row));
        expect(view.layers[l].top[p]).toBe(best);
        const probs = softmax(tensor([30], row)).data;
        expect(view.layers[l].probability[p]).toBeCloseTo(probs[best], 5);
      }
    }
  });
});
