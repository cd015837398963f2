import { describe, expect, it } from 'vitest';
import { byKTable, idList, kSweepFigure } from '../src/report/figures.js';
import type { ByKResult } from '../src/probe/k-sweep.js';

// What a person reads: long neuron lists are cut with a count (report.json keeps them), and the F1-vs-k
// axes fit the k values tried and the F1 range reached.
describe('probe report sections', () => {
  const row = (method: string, k: number, f1: number) =>
    ({ method, k, f1, selected: Array.from({ length: k }, (_, i) => `L1N${i}`), precision: f1, recall: f1, mcc: f1, rocAuc: f1, prAuc: f1 }) as unknown as ByKResult;
  const byK = [row('mean-diff', 1, 0.91), row('mean-diff', 64, 0.99), row('osp', 256, 1)];

  it('cuts a long list of neuron ids with a count', () => {
    expect(idList(['a', 'b'])).toBe('a b');
    expect(idList(Array.from({ length: 256 }, (_, i) => i))).toBe('0 1 2 3 4 5 6 7 8 9 10 11 … (+244 more, 256 in all)');
    expect(byKTable(byK).rows[2][2]).toMatch(/\(\+244 more, 256 in all\)$/);
  });

  it('fits the axes: k from the smallest to the largest tried, F1 from just below the lowest reached', () => {
    const f = kSweepFigure(byK, 't').figure;
    if (f.type !== 'line') throw new Error('expected a line figure');
    expect(f.x.domain).toEqual([1, 256]);
    expect(f.y.domain).toEqual([0.85, 1]);
  });
});
