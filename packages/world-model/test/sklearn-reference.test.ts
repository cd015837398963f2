/**
 * The analysis against reference outputs of the authors' own pipeline: scikit-learn's RidgeCV (efficient
 * leave-one-out over logspace(0.8, 4.1, 12)) on train-standardised targets, sklearn/scipy metrics, the
 * haversine with latitude and longitude the right way round and the proximity error, computed by
 * scripts/sklearn-reference.py (scikit-learn 1.9.1) on test/fixtures/planted-places.csv.
 */
import { runAnalysis } from '@marr/core';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import plugin, { worldModelAnalysis } from '../src/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const reference = JSON.parse(readFileSync(join(fixtures, 'sklearn-reference.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'world-model-sklearn-'));

/** The fixture without some columns (the other probe's targets must not be features). */
function without(columns: readonly string[]): string {
  const lines = readFileSync(join(fixtures, 'planted-places.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
  const drop = new Set(columns.map((c) => lines[0].indexOf(c)));
  const path = join(dir, `without-${columns.join('-')}.csv`);
  writeFileSync(path, lines.map((l) => l.filter((_, j) => !drop.has(j)).join(',')).join('\n') + '\n');
  return path;
}

const close = (got: number, want: number, tol = 1e-6): void => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));

describe('against scikit-learn RidgeCV and the authors\' metrics', () => {
  for (const [name, targets, drop] of [['place', ['latitude', 'longitude'], ['year']], ['time', ['year'], ['latitude', 'longitude']]] as const) {
    it(`${name} probe: alpha, LOO errors, test scores`, async () => {
      const data = without(drop);
      const report = await runAnalysis({ plugin, analysis: worldModelAnalysis, dataPath: data, params: { targets: [...targets] } });
      const r = report.results as any;
      const ref = reference[name];
      expect(r.entities).toMatchObject({ used: 120, test: 24, split: 'column' });
      expect(r.best.alpha).toBeCloseTo(ref.alpha, 9);
      r.best.perTarget.forEach((t: any, j: number) => {
        close(t.r2, ref.perTarget[j].r2);
        close(t.pearson, ref.perTarget[j].pearson);
        close(t.spearman, ref.perTarget[j].spearman);
        close(t.mae, ref.perTarget[j].mae);
      });
      close(r.best.r2, ref.r2);
      close(r.best.proximityError, ref.proximityError);
      if (name === 'place') close(r.best.haversineKm, ref.haversineKm);
      else expect(r.best.haversineKm).toBeNull();
      close(r.best.looMse, Math.min(...ref.looMse));
    });
  }

  it('every penalty\'s LOO error equals RidgeCV\'s cv_results_', async () => {
    // the LOO errors of all penalties are not in the report; recompute them the way the analysis does
    const { ridgeCv, PAPER_ALPHAS } = await import('../src/index.js');
    const lines = readFileSync(join(fixtures, 'planted-places.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const train = lines.filter((l) => l[4] === 'False');
    const x = { rows: train.length, cols: 8, data: Float64Array.from(train.flatMap((l) => l.slice(5).map(Number))) };
    const standardise = (v: number[]): number[] => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
      return v.map((t) => (t - m) / s);
    };
    const lat = standardise(train.map((l) => Number(l[1]))), lon = standardise(train.map((l) => Number(l[2])));
    const y = { rows: train.length, cols: 2, data: Float64Array.from(lat.flatMap((v, i) => [v, lon[i]])) };
    const fit = ridgeCv(x, y, PAPER_ALPHAS);
    fit.looMse.forEach((m, k) => close(m, reference.place.looMse[k], 1e-9));
    // sklearn's coef_ is [target][feature]
    for (let j = 0; j < 2; j++) {
      for (let q = 0; q < 8; q++) close(fit.coefficients.data[q * 2 + j], reference.place.coefficients[j][q], 1e-8);
      close(fit.intercepts[j], reference.place.intercepts[j], 1e-8);
    }
  });
});
