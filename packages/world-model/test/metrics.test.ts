import { describe, expect, it } from 'vitest';
import { haversineKm } from '../src/metrics/geo.js';
import { predictiveNeurons } from '../src/neurons/single-neuron.js';
import { createRng } from '@marr/core';
import { proximityErrors } from '../src/metrics/proximity.js';
import { averageRanks, meanAbsoluteError, pearson, r2Score, spearman } from '../src/metrics/regression.js';

describe('haversine', () => {
  it('a quarter meridian is pi R / 2', () => {
    expect(haversineKm({ lat: 0, lon: 0 }, { lat: 90, lon: 0 })).toBeCloseTo((Math.PI * 6371) / 2, 6);
  });
  it('one degree of longitude at latitude 60 is half of one at the equator (small-angle)', () => {
    const eq = haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: 1 });
    expect(eq).toBeCloseTo((Math.PI * 6371) / 180, 6);
    expect(haversineKm({ lat: 60, lon: 0 }, { lat: 60, lon: 1 }) / eq).toBeCloseTo(0.5, 4);
  });
  it('Paris to London, by hand', () => {
    // 48.8566N 2.3522E to 51.5074N 0.1278W: hand-computed with the haversine formula, 343.56 km
    const lat1 = (48.8566 * Math.PI) / 180, lat2 = (51.5074 * Math.PI) / 180;
    const dLat = lat2 - lat1, dLon = ((-0.1278 - 2.3522) * Math.PI) / 180;
    const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) ** 2;
    const byHand = 2 * 6371 * Math.asin(Math.sqrt(a));
    expect(byHand).toBeCloseTo(343.56, 1);
    expect(haversineKm({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 })).toBeCloseTo(byHand, 8);
  });
  it('does not swap latitude and longitude (the authors\' helper would)', () => {
    // Along the equator from lon 0 to lon 90 is a quarter circle; the swapped reading (lat 0->90) is too,
    // so use a case that differs: (lat 80, lon 0) to (lat 80, lon 180) crosses the pole: 20 degrees of arc.
    expect(haversineKm({ lat: 80, lon: 0 }, { lat: 80, lon: 180 })).toBeCloseTo((20 * Math.PI * 6371) / 180, 6);
  });
});

describe('proximity error', () => {
  it('counts the others whose prediction is nearer to my truth than mine', () => {
    // truths 0, 1, 2, 10; predictions 0.4, 1.2, 5, 9
    const truth = [0, 1, 2, 10], pred = [0.4, 1.2, 5, 9];
    const d = (i: number, j: number): number => Math.abs(truth[i] - pred[j]);
    const errors = proximityErrors([0, 1, 2, 3], [0, 1, 2, 3], d);
    // 0: own 0.4; others |0-1.2|=1.2, 5, 9 -> 0/3
    // 1: own 0.2; others 0.6, 4, 8 -> 0/3
    // 2: own 3; others |2-0.4|=1.6, 0.8, 7 -> 2/3
    // 3: own 1; others 9.6, 8.8, 5 -> 0/3
    expect(Array.from(errors)).toEqual([0, 0, 2 / 3, 0]);
  });
  it('is 0 for perfect predictions and about 1/2 for predictions unrelated to the truth', () => {
    const n = 400;
    const truth = Array.from({ length: n }, (_, i) => i);
    const exact = proximityErrors(truth, truth, (i, j) => Math.abs(truth[i] - truth[j]));
    expect(exact.every((v) => v === 0)).toBe(true);
    const shuffled = truth.map((i) => (i * 7919) % n);
    const random = proximityErrors(truth, truth, (i, j) => Math.abs(truth[i] - shuffled[j]));
    const m = random.reduce((a, b) => a + b, 0) / n;
    // p_i and p_j are exchangeable, so each comparison is a coin flip: 1/2 in expectation
    expect(Math.abs(m - 0.5)).toBeLessThan(0.03);
  });
});

describe('regression scores', () => {
  it('R^2, Pearson, Spearman and MAE by hand', () => {
    const y = [1, 2, 3, 4], p = [1.5, 1.5, 3.5, 4];
    // SS_res = .25+.25+.25+0 = .75; SS_tot = 5
    expect(r2Score(y, p)).toBeCloseTo(1 - 0.75 / 5, 12);
    expect(meanAbsoluteError(y, p)).toBeCloseTo(1.5 / 4, 12);
    // pearson: centred y = -1.5,-.5,.5,1.5; centred p (mean 2.625) = -1.125,-1.125,.875,1.375
    const num = 1.5 * 1.125 + 0.5 * 1.125 + 0.5 * 0.875 + 1.5 * 1.375;
    const den = Math.sqrt(5 * (1.125 ** 2 * 2 + 0.875 ** 2 + 1.375 ** 2));
    expect(pearson(y, p)).toBeCloseTo(num / den, 12);
    expect(Array.from(averageRanks(p))).toEqual([1.5, 1.5, 3, 4]);
    // spearman = pearson of ranks [1,2,3,4] vs [1.5,1.5,3,4]
    expect(spearman(y, p)).toBeCloseTo(pearson([1, 2, 3, 4], [1.5, 1.5, 3, 4]), 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
  });
});

describe('single predictive neurons', () => {
  it('ranks a neuron that tracks the target first, by training R^2, with its test R^2', () => {
    const rng = createRng(6);
    const n = 100, p = 20;
    const target = Float64Array.from({ length: n }, () => 1800 + 100 * rng.normal());
    const data = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = j === 13 ? 0.01 * target[i] + 0.2 * rng.normal() : rng.normal();
    const train = Array.from({ length: 80 }, (_, i) => i), test = Array.from({ length: 20 }, (_, i) => 80 + i);
    const [top] = predictiveNeurons(3, { rows: n, cols: p, data }, [{ target: 'year', values: target }], { train, test }, 3);
    expect(top).toMatchObject({ target: 'year', layer: 3, neuron: 13 });
    // activation = target/100 + noise 0.2: R^2 = 1 / (1 + 0.2^2) = 0.96
    expect(top.trainR2).toBeGreaterThan(0.9);
    expect(top.testR2).toBeGreaterThan(0.85);
    expect(top.testPearson).toBeGreaterThan(0.9);
  });
});
