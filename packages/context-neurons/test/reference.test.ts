/**
 * Independent references: the four runs' losses against a hand-written hook-by-hook re-run on the
 * reference (pure TypeScript) backend with a plain log-sum-exp; F1 and MCC against hand-counted
 * confusion matrices; the single-neuron probe against a brute-force threshold search.
 */
import { createRng } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { ablate, binaryScores, probeOneNeuron, splitRows } from '../src/index.js';
import { byHand } from './hand-reference.js';
import { io } from './helpers.js';
import { plantedModel, plantedWindows } from './planted.js';

describe('independent references', () => {
  it('ablation and path losses equal a hook-by-hook re-run on the reference backend', async () => {
    const fast = plantedModel();
    const reference = plantedModel({ backend: 'reference' });
    const w = { german: plantedWindows('german', 6, 40, 5), english: plantedWindows('english', 6, 40, 6), contextLength: 40 };
    const target = { layer: 0, neuron: 5, value: 0.37 };
    const a = await ablate(fast, w, target, 4, io());
    const sums = { clean: 0, total: 0, indirectRemoved: 0, directOnly: 0 };
    let n = 0;
    for (let s = 0; s < w.german.length; s++) {
      const ref = await byHand(reference, w.german[s], target.layer, target.neuron, target.value);
      for (const run of ['clean', 'total', 'indirectRemoved', 'directOnly'] as const) {
        ref[run].forEach((x, p) => {
          expect(a.german[run][s][p]).toBeCloseTo(x, 4);
          sums[run] += x;
        });
      }
      n += ref.clean.length;
    }
    expect(a.paths.clean).toBeCloseTo(sums.clean / n, 5);
    expect(a.paths.total).toBeCloseTo(sums.total / n, 5);
    expect(a.paths.indirectRemoved).toBeCloseTo(sums.indirectRemoved / n, 5);
    expect(a.paths.directOnly).toBeCloseTo(sums.directOnly / n, 5);
    expect(a.loss.germanAblated).toBe(a.paths.total);
  });

  it('F1 and MCC match hand-counted confusion matrices', () => {
    // tp 3, fp 1, fn 2, tn 4
    const y = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
    const p = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const s = binaryScores(y, p);
    expect(s.f1).toBeCloseTo(6 / 9, 12);
    expect(s.mcc).toBeCloseTo((3 * 4 - 1 * 2) / Math.sqrt(4 * 5 * 5 * 6), 12);
    expect(binaryScores([1, 0], [0, 0])).toEqual({ f1: 0, mcc: 0 });
  });

  it('a single-neuron probe scores no better than the best threshold on its training rows allows, and close to it', () => {
    const rng = createRng(4);
    const n = 400;
    const x = new Float64Array(n), labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i < n / 2 ? 1 : 0;
      x[i] = (labels[i] ? 1.2 : 0) + rng.normal();
    }
    const split = splitRows(n, 0.2, 0);
    expect(split.test.length).toBe(80);
    const fit = probeOneNeuron(x, labels, split, 1);
    // Brute force over every threshold (both directions) on the test rows: the best F1 reachable.
    const ys = split.test.map((r) => labels[r]), xs = split.test.map((r) => x[r]);
    let best = 0;
    for (const t of xs) for (const dir of [1, -1]) best = Math.max(best, binaryScores(ys, xs.map((v) => (dir * (v - t) >= 0 ? 1 : 0))).f1);
    expect(fit.f1).toBeLessThanOrEqual(best + 1e-12);
    expect(fit.f1).toBeGreaterThan(best - 0.1);
  });
});
