/**
 * Issue 22: the optimal sparse probe must optimise the probe it reports. A planted pair (a = u + eps y,
 * b = u: each alone nearly uninformative, together separating with large opposite weights) among
 * decoys that are individually better. The reference is exhaustive enumeration of the same objective
 * (the class-balanced L2-logistic loss with the refit's C) over every pair, done here by the test.
 */
import { createRng } from '@marr/core';
import { balancedClassWeights, designMatrix, fitLogisticRegression, logisticProbabilities } from '@marr/sparse-regression';
import { describe, expect, it } from 'vitest';
import { labelledFeatures } from '../src/data/feature-matrix.js';
import { binaryMetrics } from '../src/metrics/binary-metrics.js';
import { kSweep } from '../src/probe/k-sweep.js';
import { prepareSplit } from '../src/probe/prepare.js';

function plantedPair(seed: number, n: number, decoys: number, eps: number) {
  const rng = createRng(seed);
  const p = decoys + 2;
  const data = new Float64Array(n * p);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    const s = labels[i] ? 1 : -1;
    const u = 3 * rng.normal();
    for (let j = 0; j < decoys; j++) data[i * p + j] = rng.normal() + 0.6 * s;
    data[i * p + decoys] = u + eps * s + 0.1 * rng.normal();
    data[i * p + decoys + 1] = u;
  }
  const names = [...Array.from({ length: decoys }, (_, j) => `decoy${j}`), 'a', 'b'];
  return labelledFeatures(designMatrix(n, p, data), names, labels);
}

/** min over all pairs of the probe's objective, by brute force (the test's own loop). */
function bestPairByEnumeration(train: ReturnType<typeof prepareSplit>['train'], C: number) {
  const weights = balancedClassWeights(train.labels);
  let best = { pair: [] as number[], objective: Infinity };
  for (let i = 0; i < train.x.cols; i++) {
    for (let j = i + 1; j < train.x.cols; j++) {
      const f = fitLogisticRegression(train.x, train.labels, { C, weights, support: [i, j] }).objective;
      if (f < best.objective) best = { pair: [i, j], objective: f };
    }
  }
  return best;
}

describe('OSP optimises the probe objective (issue 22)', () => {
  const { train, test } = prepareSplit(plantedPair(22, 1200, 10, 0.5), { seed: 3 });

  it('by default proves optimal the pair that minimises the refit objective, and says so', async () => {
    const sweep = await kSweep(train, test, { methods: ['osp', 'mean-diff'], kValues: [1, 2], ospMaxK: 2, C: 1 });
    const reference = bestPairByEnumeration(train, 1);
    expect(reference.pair.map((j) => train.names[j])).toEqual(['a', 'b']);
    const proof = sweep.optimality.find((o) => o.k === 2)!;
    expect(proof.optimal).toBe(true);
    expect(proof.objective).toBeCloseTo(reference.objective, 6);
    expect(sweep.selectionObjective).toEqual({ kind: 'probe', loss: 'class-balanced L2-logistic', C: 1, refitC: 1 });
    const osp2 = sweep.byK.find((r) => r.method === 'osp' && r.k === 2)!;
    expect([...osp2.selected].sort()).toEqual(['a', 'b']);
    // The reported probe is the best pair's refit: its test F1 is the planted pair's.
    const weights = balancedClassWeights(train.labels);
    const fit = fitLogisticRegression(train.x, train.labels, { C: 1, weights, support: reference.pair });
    expect(osp2.f1).toBeCloseTo(binaryMetrics(test.labels, logisticProbabilities(test.x, fit)).f1, 12);
    expect(osp2.f1).toBeGreaterThan(0.97);
    expect(sweep.byK.find((r) => r.method === 'mean-diff' && r.k === 2)!.f1).toBeLessThan(osp2.f1 - 0.05);
  });

  it('a different selection ridge stays available and is reported as such', async () => {
    const sweep = await kSweep(train, test, { methods: ['osp'], kValues: [2], ospMaxK: 2, C: 1, ospGamma: 50 });
    expect(sweep.selectionObjective).toEqual({ kind: 'ospGamma', loss: 'class-balanced L2-logistic', C: 50 / train.x.rows, refitC: 1 });
    // Its proof is about its own objective: the enumeration of that objective agrees.
    const reference = bestPairByEnumeration(train, 50 / train.x.rows);
    expect(sweep.optimality[0].objective).toBeCloseTo(reference.objective, 6);
    // ... and here that strong ridge prefers two decoys: the planted pair's large weights cost too much.
    expect(reference.pair.map((j) => train.names[j])).not.toContain('a');
    const byDefault = await kSweep(train, test, { methods: ['osp'], kValues: [2], ospMaxK: 2, C: 1 });
    expect(sweep.byK[0].f1).toBeLessThan(byDefault.byK[0].f1 - 0.02);
  });
});
