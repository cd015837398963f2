import { createRng } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { binaryMetrics, confusionCounts, countMetrics, prAuc, rocAuc } from '../src/metrics/binary-metrics.js';

describe('binary metrics against hand-computed values', () => {
  it('counts and ratios for tp=3 fp=1 tn=4 fn=2', () => {
    const labels = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const pred = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const c = confusionCounts(labels, pred);
    expect(c).toEqual({ tp: 3, fp: 1, tn: 4, fn: 2 });
    const m = countMetrics(c);
    expect(m.precision).toBeCloseTo(3 / 4, 12);
    expect(m.recall).toBeCloseTo(3 / 5, 12);
    expect(m.f1).toBeCloseTo((2 * 0.75 * 0.6) / (0.75 + 0.6), 12);
    expect(m.mcc).toBeCloseTo(10 / Math.sqrt(4 * 5 * 5 * 6), 12);
    expect(m.balancedAccuracy).toBeCloseTo((0.6 + 0.8) / 2, 12);
    expect(m.accuracy).toBeCloseTo(0.7, 12);
  });

  it('zero division gives 0, as sklearn zero_division=0', () => {
    const m = countMetrics({ tp: 0, fp: 0, tn: 5, fn: 5 });
    expect(m.precision).toBe(0);
    expect(m.f1).toBe(0);
    expect(m.mcc).toBe(0);
  });

  it('PR-AUC is the trapezoid over sklearn precision_recall_curve points (55/72 by hand)', () => {
    expect(prAuc([1, 0, 1, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.2])).toBeCloseTo(55 / 72, 12);
  });

  it('ROC-AUC equals the Mann-Whitney pair count, ties one half', () => {
    const rng = createRng(3);
    const labels = Array.from({ length: 60 }, () => (rng.next() < 0.4 ? 1 : 0));
    const scores = labels.map((y) => Math.round((y + rng.normal()) * 4) / 4); // coarse: many ties
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) {
      if (labels[i] === 1 && labels[j] === 0) {
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(labels, scores)).toBeCloseTo(wins / pairs, 12);
    const all = binaryMetrics(labels, scores, 0.5);
    expect(all.rocAuc).toBeCloseTo(wins / pairs, 12);
  });

  it('names the problem for bad input', () => {
    expect(() => rocAuc([1, 1], [0.1, 0.2])).toThrow(/both classes/);
    expect(() => binaryMetrics([1, 0], [0.5])).toThrow(/2 labels but 1 predictions/);
  });
});
