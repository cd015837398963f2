import { tensor } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { attentionByOffset, attentionLocality } from '../src/index.js';
import { model, windows, zerosLike } from './helpers.js';

describe('attention locality', () => {
  it('recovers hand-built patterns: one head on the previous token, one uniform', () => {
    const T = 4;
    const data: number[] = [];
    for (let h = 0; h < 2; h++)
      for (let q = 0; q < T; q++)
        for (let k = 0; k < T; k++) data.push(h === 0 ? (q === 0 ? (k === 0 ? 1 : 0) : k === q - 1 ? 1 : 0) : k <= q ? 1 / (q + 1) : 0);
    const byOffset = attentionByOffset(tensor([1, 2, T, T], data), 3);
    const uniform = (k: number) => {
      let s = 0;
      for (let q = k; q < T; q++) s += 1 / (q + 1);
      return s / (T - k);
    };
    expect(byOffset[0]).toBeCloseTo((1 + uniform(1)) / 2, 7);
    expect(byOffset[1]).toBeCloseTo((0 + uniform(2)) / 2, 7);
    expect(byOffset[2]).toBeCloseTo((0 + uniform(3)) / 2, 7);
  });

  it('a model with zero query weights attends uniformly: mean over q >= k of 1/(q+1) in every layer', async () => {
    const m = model('llama', 2, 3);
    for (let l = 0; l < 3; l++) m.setWeight(`blocks.${l}.attn.W_Q`, zerosLike(m.getWeight(`blocks.${l}.attn.W_Q`)));
    const T = 12;
    const loc = await attentionLocality(m, windows(5, T, m.config.dVocab, 2), { maxOffset: 5, batchWindows: 2 });
    for (const layer of loc) {
      for (let k = 1; k <= 5; k++) {
        let s = 0;
        for (let q = k; q < T; q++) s += 1 / (q + 1);
        expect(layer.byOffset[k - 1]).toBeCloseTo(s / (T - k), 6);
      }
      expect(layer.perHead).toHaveLength(m.config.nHeads);
      expect(layer.total).toBeCloseTo(layer.byOffset.reduce((a, b) => a + b, 0), 12);
    }
  });
});
