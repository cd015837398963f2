/**
 * The analysis on a table of planted activations (no model), against an independent reference: core's
 * SVD ridge (closed form b = V diag(s / (s^2 + a)) U^T y, leave-one-out from its hat matrix) on the same
 * standardised training targets, R^2 and the great-circle error recomputed here by hand.
 */
import { createRng, ridgeRegression, runAnalysis, MarrUsageError, type DenseMatrix } from '@marr/core';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import plugin, { PAPER_ALPHAS, worldModelAnalysis } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'world-model-ref-'));

interface Planted {
  path: string;
  x: number[][];
  lat: number[];
  lon: number[];
  isTest: boolean[];
  groups: string[];
}

/** Entities whose 12 features encode latitude and longitude along two known directions plus noise. */
function plantedPlaces(n: number, seed: number, options: { groupOnly?: boolean } = {}): Planted {
  const rng = createRng(seed);
  const p = 12;
  const groups = ['north', 'south', 'east', 'west', 'middle'];
  const centres = [[55, 10], [-35, -60], [20, 110], [40, -100], [-30, 140]];
  const x: number[][] = [], lat: number[] = [], lon: number[] = [], isTest: boolean[] = [], gs: string[] = [];
  const dLat = Array.from({ length: p }, (_, q) => (q % 2 === 0 ? 1 : 0) / Math.sqrt(6));
  const dLon = Array.from({ length: p }, (_, q) => (q % 2 === 1 ? 1 : 0) / Math.sqrt(6));
  const groupCode = groups.map(() => Array.from({ length: p }, () => rng.normal()));
  for (let i = 0; i < n; i++) {
    const g = i % groups.length;
    const la = Math.max(-85, Math.min(85, centres[g][0] + 12 * rng.normal())), lo = Math.max(-179, Math.min(179, centres[g][1] + 20 * rng.normal()));
    lat.push(la);
    lon.push(lo);
    gs.push(groups[g]);
    isTest.push(Math.floor(i / 5) % 5 === 2); // every fifth run of five: each group in both splits
    x.push(
      Array.from({ length: p }, (_, q) =>
        options.groupOnly
          ? 3 * groupCode[g][q] + 0.3 * rng.normal() // only which group: no map to generalise from
          : (la / 10) * dLat[q] + (lo / 10) * dLon[q] + 0.15 * rng.normal(), // strong enough that alpha >= 6.3 barely shrinks
      ),
    );
  }
  const header = ['name', 'latitude', 'longitude', 'region', 'is_test', ...Array.from({ length: p }, (_, q) => `f${q}`)];
  const lines = x.map((row, i) => [`place${i}`, lat[i], lon[i], gs[i], isTest[i] ? 'True' : 'False', ...row].join(','));
  const path = join(dir, `planted-${seed}-${options.groupOnly ? 'groups' : 'map'}.csv`);
  writeFileSync(path, [header.join(','), ...lines].join('\n') + '\n');
  return { path, x, lat, lon, isTest, groups: gs };
}

function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(Math.min(1, a)));
}

describe('world-model on planted activations (no model)', () => {
  const planted = plantedPlaces(300, 1);

  it('chooses the same alpha and gets the same test R^2 and km error as a reference SVD ridge, to 1e-6', async () => {
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { groupColumn: 'region' } });
    const r = report.results as any;
    expect(r.layers).toHaveLength(1);
    expect(r.entities).toMatchObject({ used: 300, test: 60, train: 240, split: 'column' });

    const train = planted.isTest.map((t, i) => (t ? -1 : i)).filter((i) => i >= 0);
    const test = planted.isTest.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
    const xTrain: DenseMatrix = { rows: train.length, cols: 12, data: Float64Array.from(train.flatMap((i) => planted.x[i])) };
    const targets = [planted.lat, planted.lon];
    const fits = targets.map((t) => {
      const ys = train.map((i) => t[i]);
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const std = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length); // numpy std, ddof 0
      return { mean, std, ridge: ridgeRegression(xTrain, ys.map((v) => (v - mean) / std), PAPER_ALPHAS) };
    });
    const looByAlpha = PAPER_ALPHAS.map((_, k) => (fits[0].ridge.fits[k].looMse + fits[1].ridge.fits[k].looMse) / 2);
    const k = looByAlpha.indexOf(Math.min(...looByAlpha));
    expect(r.best.alpha).toBeCloseTo(PAPER_ALPHAS[k], 9);
    expect(r.best.looMse).toBeCloseTo(looByAlpha[k], 9);

    const predict = (j: number, i: number): number => {
      const f = fits[j].ridge.fits[k];
      return (f.intercept + planted.x[i].reduce((s, v, q) => s + v * f.coefficients[q], 0)) * fits[j].std + fits[j].mean;
    };
    const r2 = targets.map((t, j) => {
      const m = test.reduce((s, i) => s + t[i], 0) / test.length;
      return 1 - test.reduce((s, i) => s + (t[i] - predict(j, i)) ** 2, 0) / test.reduce((s, i) => s + (t[i] - m) ** 2, 0);
    });
    expect(Math.abs(r.best.perTarget[0].r2 - r2[0])).toBeLessThan(1e-6);
    expect(Math.abs(r.best.perTarget[1].r2 - r2[1])).toBeLessThan(1e-6);
    expect(Math.abs(r.best.r2 - (r2[0] + r2[1]) / 2)).toBeLessThan(1e-6);
    const km = test.reduce((s, i) => s + haversine(planted.lat[i], planted.lon[i], predict(0, i), predict(1, i)), 0) / test.length;
    expect(Math.abs(r.best.haversineKm - km)).toBeLessThan(1e-6);
    // proximity error by hand
    let prox = 0;
    for (const i of test) {
      const own = haversine(planted.lat[i], planted.lon[i], predict(0, i), predict(1, i));
      const nearer = test.filter((j) => j !== i && haversine(planted.lat[i], planted.lon[i], predict(0, j), predict(1, j)) < own).length;
      prox += nearer / (test.length - 1) / test.length;
    }
    expect(Math.abs(r.best.proximityError - prox)).toBeLessThan(1e-9);
  });

  it('recovers the planted map: high R^2, low proximity error, and block holdout close to the nominal split', async () => {
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { groupColumn: 'region', minBlockSize: 10 } });
    const r = report.results as any;
    // the projection on each direction is lat/10 (lon/10) plus noise 0.15: errors of ~1.5 degrees against
    // a spread of tens of degrees, R^2 = 1 - 1.5^2 / var >= 0.99 before shrinkage
    expect(r.best.r2).toBeGreaterThan(0.97);
    expect(r.best.proximityError).toBeLessThan(0.1);
    expect(r.blockHoldout.blocks).toHaveLength(5);
    // a linear map generalises to a region it never saw
    expect(r.blockHoldout.proximityError).toBeLessThan(0.15);
  });

  it('one held-out block, recomputed by hand: ridge without the block at the chosen alpha, proximity among everyone', async () => {
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { groupColumn: 'region', minBlockSize: 10 } });
    const r = report.results as any;
    const alpha = r.blockHoldout.alpha;
    expect(alpha).toBe(r.best.alpha);
    const n = planted.lat.length;
    const rest = Array.from({ length: n }, (_, i) => i).filter((i) => planted.groups[i] !== 'north');
    const block = Array.from({ length: n }, (_, i) => i).filter((i) => planted.groups[i] === 'north');
    const xRest: DenseMatrix = { rows: rest.length, cols: 12, data: Float64Array.from(rest.flatMap((i) => planted.x[i])) };
    const pred = [planted.lat, planted.lon].map((t) => {
      const ys = rest.map((i) => t[i]);
      const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
      const std = Math.sqrt(ys.reduce((a, b) => a + (b - mean) ** 2, 0) / ys.length);
      const f = ridgeRegression(xRest, ys.map((v) => (v - mean) / std), [alpha]).best;
      return planted.x.map((row) => (f.intercept + row.reduce((s, v, q) => s + v * f.coefficients[q], 0)) * std + mean);
    });
    const dist = (i: number, j: number): number => haversine(planted.lat[i], planted.lon[i], pred[0][j], pred[1][j]);
    let prox = 0, err = 0;
    for (const i of block) {
      prox += Array.from({ length: n }, (_, j) => j).filter((j) => j !== i && dist(i, j) < dist(i, i)).length / (n - 1) / block.length;
      err += dist(i, i) / block.length;
    }
    const north = r.blockHoldout.blocks.find((b: any) => b.group === 'north');
    expect(north.size).toBe(block.length);
    expect(Math.abs(north.proximityError - prox)).toBeLessThan(1e-9);
    expect(Math.abs(north.error - err)).toBeLessThan(1e-6);
    expect(north.nominalTestSize).toBe(block.filter((i) => planted.isTest[i]).length);
  });

  it('block holdout exposes features that only name the group: fine on the nominal split, near chance on a held-out block', async () => {
    const groupOnly = plantedPlaces(300, 2, { groupOnly: true });
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: groupOnly.path, params: { groupColumn: 'region', minBlockSize: 10 } });
    const r = report.results as any;
    const map = (await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { groupColumn: 'region', minBlockSize: 10 } })).results as any;
    expect(r.blockHoldout.nominalProximityError).toBeLessThan(0.35);
    expect(r.blockHoldout.proximityError).toBeGreaterThan(r.blockHoldout.nominalProximityError + 0.1);
    expect(r.blockHoldout.proximityError).toBeGreaterThan(map.blockHoldout.proximityError + 0.2);
  });

  it('a time target read from dates, as fractional years', async () => {
    const rng = createRng(5);
    const rows = Array.from({ length: 80 }, (_, i) => {
      const year = 1950 + rng.int(70);
      const date = `${year}-0${1 + rng.int(9)}-1${rng.int(9)}`;
      return { date, f: [year / 5 + 0.2 * rng.normal(), rng.normal()] };
    });
    const path = join(dir, 'dates.csv');
    writeFileSync(path, ['title,release_date,f0,f1', ...rows.map((r, i) => `t${i},${r.date},${r.f.join(',')}`)].join('\n') + '\n');
    const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: path, params: { nameColumn: 'title', targets: ['release_date'] }, seed: 3 });
    const r = report.results as any;
    expect(r.kind).toBe('scalar');
    expect(r.best.haversineKm).toBeNull();
    // year error ~ 0.2 * 5 = 1 year against a spread of ~20 years
    expect(r.best.r2).toBeGreaterThan(0.95);
    expect(r.entities.split).toBe('random');
    expect(r.entities.test).toBe(16);
  });

  it('the same seed gives the same results', async () => {
    const a = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { splitColumn: '', testFraction: 0.3, groupColumn: 'region' }, seed: 4 });
    const b = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { splitColumn: '', testFraction: 0.3, groupColumn: 'region' }, seed: 4 });
    expect(JSON.stringify({ ...a, timings: null, startedAt: null })).toBe(JSON.stringify({ ...b, timings: null, startedAt: null }));
  });

  it('honours cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: {}, signal: controller.signal })).rejects.toThrow(/cancelled/);
    // and mid-run: cancelled when the first probe is done, before the block holdout
    const midway = new AbortController();
    const progress = { start() {}, tick() { midway.abort(); }, done() {} };
    await expect(runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: planted.path, params: { groupColumn: 'region' }, signal: midway.signal, progress })).rejects.toThrow(/cancelled/);
  });

  it('bad input: one clear message naming the problem and the fix', async () => {
    const run = (params: Record<string, unknown>, path = planted.path) => runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: path, params });
    await expect(run({ nameColumn: 'title' })).rejects.toThrow(/no name column "title".*set nameColumn=<column>/);
    await expect(run({ targets: ['lat', 'lon'] })).rejects.toThrow(/no target column "lat"/);
    await expect(run({ targets: ['latitude', 'longitude', 'f0'] })).rejects.toThrow(/targets must name one column/);
    await expect(run({ targets: ['longitude', 'latitude'] })).rejects.toThrow(/outside \[-90, 90\].*latitude,longitude in that order/);
    await expect(run({ groupColumn: 'continent' })).rejects.toThrow(/no group column "continent"/);
    await expect(run({ prompt: 'coords' })).rejects.toThrow(/apply only with a model/);
    await expect(run({ splitColumn: 'region' })).rejects.toThrow(/split column "region" has "north".*True\/False/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'name,latitude,longitude,f0\na,100,0,1\nb,1,2,3\n');
    await expect(run({}, bad)).rejects.toThrow(/outside \[-90, 90\].*latitude,longitude in that order/);
    await expect(run({}, bad)).rejects.toBeInstanceOf(MarrUsageError);
  });
});
