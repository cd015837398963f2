import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { irreducibility } from '../src/irreducibility/irreducibility.js';
import { fractionWithinEpsilon, mixtureIndex, pointCloud, smoothedObjective, type PointCloud } from '../src/irreducibility/mixture-index.js';
import { separabilityIndex } from '../src/irreducibility/separability-index.js';
import { circleCloud, gaussianCloud, productCloud, twoLinesCloud } from './planted-clouds.js';

interface Reference {
  points: number[][];
  dataRange: { index: number; mutualInformation: number[] };
  fixedRange: { index: number; mutualInformationEvery50: number[] };
  hardFraction: { a: number[]; b: number; value: number };
}
const reference = JSON.parse(readFileSync(join(import.meta.dirname, 'reference', 'separability-reference.json'), 'utf8')) as Record<string, Reference>;
const cloudOf = (r: Reference): PointCloud => pointCloud(r.points.length, 2, r.points.flat());

describe('separability index against the authors\' numpy code (test/reference/separability_reference.py)', () => {
  for (const [name, ref] of Object.entries(reference)) {
    test(`${name}: data-range binning (real clusters) and fixed-range binning (toy demos)`, () => {
      const cloud = cloudOf(ref);
      const data = separabilityIndex(cloud, { binning: 'data-range' });
      expect(data.index).toBeCloseTo(ref.dataRange.index, 9);
      data.mutualInformation.forEach((v, i) => expect(v).toBeCloseTo(ref.dataRange.mutualInformation[i], 9));
      const fixed = separabilityIndex(cloud, { binning: 'fixed-range' });
      expect(fixed.index).toBeCloseTo(ref.fixedRange.index, 9);
      ref.fixedRange.mutualInformationEvery50.forEach((v, i) => expect(fixed.mutualInformation[50 * i]).toBeCloseTo(v, 9));
      expect(fractionWithinEpsilon(cloud, ref.hardFraction.a, ref.hardFraction.b, 0.1)).toBe(ref.hardFraction.value);
    });
  }
});

describe('the smoothed mixture objective', () => {
  test('its hand-written gradient matches central finite differences', () => {
    const cloud = twoLinesCloud(300, 11);
    const a = [0.7, -0.4];
    const b = 0.15;
    for (const T of [1, 0.3]) {
      const ga = new Float64Array(2);
      const [, gb] = smoothedObjective(cloud, a, b, 0.1, T, ga);
      const h = 1e-6;
      const f = (aa: number[], bb: number) => smoothedObjective(cloud, aa, bb, 0.1, T, new Float64Array(2))[0];
      expect(ga[0]).toBeCloseTo((f([a[0] + h, a[1]], b) - f([a[0] - h, a[1]], b)) / (2 * h), 6);
      expect(ga[1]).toBeCloseTo((f([a[0], a[1] + h], b) - f([a[0], a[1] - h], b)) / (2 * h), 6);
      expect(gb).toBeCloseTo((f(a, b + h) - f(a, b - h)) / (2 * h), 6);
    }
  });

  test('gradient ascent from a few random starts reaches the exhaustive-search optimum of the hard fraction on two lines', () => {
    const cloud = twoLinesCloud(1000, 5, 0.6);
    // Exhaustive search over directions and offsets (the hard fraction is scale-free, so |a| = 1).
    let best = 0;
    for (let k = 0; k < 720; k++) {
      const t = (Math.PI * k) / 720;
      for (let j = -20; j <= 20; j++) best = Math.max(best, fractionWithinEpsilon(cloud, [Math.cos(t), Math.sin(t)], j * 0.05, 0.1));
    }
    const m = mixtureIndex(cloud, { seed: 3, iterations: 3000, restarts: 6 });
    expect(best).toBeGreaterThan(0.6);
    // One start (the authors' choice) finds one of the two lines: a local optimum at least as large as the smaller line's share.
    expect(mixtureIndex(cloud, { seed: 3, iterations: 3000 }).index).toBeGreaterThan(0.35);
    expect(m.index).toBeGreaterThan(best - 0.02);
    expect(m.index).toBeLessThanOrEqual(best + 0.02);
  });

  test('the same seed gives the same result; restarts never do worse', () => {
    const cloud = gaussianCloud(500, 2);
    const x = mixtureIndex(cloud, { seed: 9, iterations: 500 });
    expect(mixtureIndex(cloud, { seed: 9, iterations: 500 })).toEqual(x);
    expect(mixtureIndex(cloud, { seed: 9, iterations: 500, restarts: 3 }).index).toBeGreaterThanOrEqual(x.index);
  });
});

describe('planted truths (both of the authors\' settings)', () => {
  const n = 2000;
  for (const setting of ['cluster', 'demo'] as const) {
    test(`${setting}: a circle is irreducible; a Gaussian and a product of independent features are separable; two lines are a mixture`, () => {
      const opts = { setting, seed: 0, iterations: 3000 };
      const circle = irreducibility(circleCloud(n, 1), opts);
      const gauss = irreducibility(gaussianCloud(n, 2), opts);
      const product = irreducibility(productCloud(n, 3), opts);
      const lines = irreducibility(twoLinesCloud(n, 4), opts);
      // S: the circle's mutual information is several times that of the separable clouds.
      expect(circle.separability.index).toBeGreaterThan(1);
      for (const sep of [gauss, product]) expect(sep.separability.index).toBeLessThan(circle.separability.index / (setting === 'cluster' ? 20 : 5));
      // M: about half the points of an even two-line mixture lie on one line; a circle has no such part.
      expect(lines.mixture.index).toBeGreaterThan(0.45);
      expect(circle.mixture.index).toBeLessThan(0.25);
      // The ranking score puts the circle first.
      for (const other of [gauss, product, lines]) expect(circle.score).toBeGreaterThan(2 * other.score);
    });
  }
});

test('bad input is refused with a clear message', () => {
  expect(() => pointCloud(3, 2, [1, 2, 3])).toThrow(/3 points of dimension 2 need 6 values/);
  expect(() => separabilityIndex(pointCloud(2, 3, [1, 2, 3, 4, 5, 6]))).toThrow(/2-D point cloud/);
  expect(() => mixtureIndex(pointCloud(1, 2, [1, 2]))).toThrow(/at least 2 points/);
});

test('the ascent reports progress and stops when cancelled', () => {
  const cloud = gaussianCloud(200, 1);
  const seen: number[] = [];
  mixtureIndex(cloud, { iterations: 1000, onProgress: (done) => seen.push(done) });
  expect(seen).toEqual([0, 256, 512, 768]);
  const ac = new AbortController();
  ac.abort();
  expect(() => mixtureIndex(cloud, { iterations: 1000, signal: ac.signal })).toThrow(/cancelled/);
});
