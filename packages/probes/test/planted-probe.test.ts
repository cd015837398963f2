import { createRng } from '@marr/core';
import { designMatrix } from '@marr/sparse-regression';
import { describe, expect, it } from 'vitest';
import { labelledFeatures } from '../src/data/feature-matrix.js';
import { kSweep } from '../src/probe/k-sweep.js';
import { layerSweep } from '../src/probe/layer-sweep.js';
import { prepareSplit } from '../src/probe/prepare.js';

/** Columns "a" and "b" (a = u + 0.6 y, b = u) are individually weak but a - b separates; decoys have d' = 1. */
function plantedPair(seed: number, n: number, decoys: number) {
  const rng = createRng(seed);
  const p = decoys + 2;
  const data = new Float64Array(n * p);
  const labels = new Uint8Array(n);
  const names = Array.from({ length: decoys }, (_, j) => `decoy${j}`);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    const s = labels[i] ? 1 : -1;
    const u = rng.normal();
    for (let j = 0; j < decoys; j++) data[i * p + j] = rng.normal() + 0.5 * s;
    data[i * p + decoys] = u + 0.6 * s;
    data[i * p + decoys + 1] = u;
  }
  return labelledFeatures(designMatrix(n, p, data), [...names, 'a', 'b'], labels);
}

describe('k sweep on a planted pair', () => {
  it('OSP at k = 2 finds the jointly separating pair; the mean-difference ranker does not', async () => {
    const { train, test } = prepareSplit(plantedPair(4, 400, 10), { seed: 1 });
    const sweep = await kSweep(train, test, { methods: ['mean-diff', 'f-stat', 'osp'], kValues: [1, 2], ospMaxK: 2 });
    const osp2 = sweep.byK.find((r) => r.method === 'osp' && r.k === 2)!;
    const md2 = sweep.byK.find((r) => r.method === 'mean-diff' && r.k === 2)!;
    expect([...osp2.selected].sort()).toEqual(['a', 'b']);
    expect(md2.selected).not.toContain('b');
    expect(osp2.f1).toBeGreaterThan(0.97);
    expect(md2.f1).toBeLessThan(0.9);
    const proof = sweep.optimality.find((o) => o.k === 2)!;
    expect(proof.optimal).toBe(true);
    expect(proof.gap).toBeLessThan(1e-5);
    expect(proof.bound).toBeLessThanOrEqual(proof.objective);
  });

  it('layer sweep picks the layer that carries the feature and names its best neuron', async () => {
    const rng = createRng(9);
    const n = 200;
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const layer = (signal: number, planted: number) => {
      const data = new Float64Array(n * 6);
      for (let i = 0; i < n; i++) for (let j = 0; j < 6; j++) data[i * 6 + j] = rng.normal() + (j === planted ? signal * (labels[i] ? 1 : -1) : 0);
      return designMatrix(n, 6, data);
    };
    const names = (l: number) => Array.from({ length: 6 }, (_, j) => `L${l}N${j}`);
    const result = await layerSweep(
      [
        { hookPoint: 'blocks.0.mlp.hook_post', layer: 0, x: layer(0.2, 1), names: names(0) },
        { hookPoint: 'blocks.1.mlp.hook_post', layer: 1, x: layer(3, 4), names: names(1) },
      ],
      labels,
      { seed: 2, methods: ['mean-diff'], kValues: [1, 2] },
    );
    expect(result.sweepHookPoint).toBe('blocks.1.mlp.hook_post');
    expect(result.layers[1].bestNeuron).toBe('L1N4');
    expect(result.layers[1].f1).toBeGreaterThan(0.95);
    expect(result.sweep.byK[0].selected).toEqual(['L1N4']);
  });
});
