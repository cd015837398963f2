import { bestSubset, exhaustiveBestSubset } from '@marr/sparse-regression';
import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../src/data/csv-table.js';
import { timeSeriesFromTable } from '../src/data/time-series.js';
import { truePositivity } from '../src/metrics/metrics.js';
import { discoverModel } from '../src/model/discover.js';
import { fitRegressionData, regressionData } from '../src/model/fit-sindy.js';
import { mioRegressor } from '../src/optimizers/mio.js';
import { gramProblems } from '../src/optimizers/regressor.js';
import { stlsqRegressor } from '../src/optimizers/stlsq.js';
import { sr3Regressor } from '../src/optimizers/sr3.js';
import { ensembleRegressor } from '../src/optimizers/ensemble.js';
import { SYSTEMS, sharedMeta, sharedPath, sindyFixture } from './shared-sindy.js';

const load = (system: string, tag: string) => timeSeriesFromTable(readCsvTable(sharedPath(`${system}_${tag}.csv`)));

describe.skipIf(!sindyFixture.path)(`MIO recovers every shared system ${sindyFixture.reason}`, () => {
  const cases = SYSTEMS.flatMap((s) =>
    (['clean', 'n0.01'] as const).flatMap((tag) => (['fd', 'smoothed-fd'] as const).map((derivative) => ({ s, tag, derivative })))
  );
  it.each(cases)('$s $tag ($derivative): exact support at the true per-equation k, proven optimal', ({ s, tag, derivative }) => {
    const meta = sharedMeta(s);
    const lib = meta.libraries[meta.primary_library];
    const data = regressionData(load(s, tag), { degree: lib.degree, derivative });
    const model = fitRegressionData(data, mioRegressor({ k: lib.true_support.map((row) => row.length) }));
    expect(model.optimal).toBe(true);
    expect(model.featureNames).toEqual(lib.feature_names);
    expect(model.support.map((row) => row.flatMap((v, j) => (v ? [j] : [])))).toEqual(lib.true_support);
    // Coefficients are close to the truth (FD error on clean data, noise on the 1% series).
    const tol = tag === 'clean' ? 0.02 : 0.1;
    model.coefficients.forEach((row, i) =>
      row.forEach((c, j) =>
        expect(Math.abs(c - lib.true_coefficients[i][j])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(lib.true_coefficients[i][j])))
      )
    );
  });

  it.each(SYSTEMS)('%s n0.01: held-out AICc over k = 1..5 picks the true support', (s) => {
    const meta = sharedMeta(s);
    const lib = meta.libraries[meta.primary_library];
    const found = discoverModel(load(s, 'n0.01'), {
      degree: lib.degree,
      derivative: 'smoothed-fd',
      method: 'mio',
      kMax: 5,
      simulate: false,
    });
    expect(truePositivity(found.model.coefficients, lib.true_coefficients)).toBe(1);
    expect(found.model.optimal).toBe(true);
  });
});

describe.skipIf(!sindyFixture.path)(`MIO equals exhaustive search on the shared libraries ${sindyFixture.reason}`, () => {
  const cases = SYSTEMS.flatMap((s) => ['n0.01', 'n0.1'].map((tag) => ({ s, tag })));
  it.each(cases)('$s $tag: every equation, k = 1..4, degree-2 and degree-3 libraries', ({ s, tag }) => {
    for (const degree of [2, 3]) {
      const data = regressionData(load(s, tag), { degree, derivative: 'fd' });
      const problems = gramProblems(data.theta, data.targets, 0.01);
      for (const problem of problems) {
        for (let k = 1; k <= (problem.p > 10 ? 3 : 4); k++) {
          const exact = exhaustiveBestSubset(problem, { k });
          const bb = bestSubset(problem, { k });
          const scale = Math.abs(exact.objective);
          expect(bb.optimal).toBe(true);
          expect(Math.abs(bb.objective - exact.objective)).toBeLessThanOrEqual(1e-8 * scale + 1e-12 * problem.yty);
          expect(bb.lowerBound).toBeLessThanOrEqual(exact.objective + 1e-12 * problem.yty);
          if (exact.runnerUpObjective - exact.objective > 1e-6 * scale) expect(bb.support).toEqual(exact.support);
        }
      }
    }
  });
});

describe.skipIf(!sindyFixture.path)(`baselines and joint budget on Lorenz ${sindyFixture.reason}`, () => {
  const meta = () => sharedMeta('lorenz').libraries.degree2;
  it('STLSQ and SR3 recover Lorenz from the clean series', () => {
    const data = regressionData(load('lorenz', 'clean'), { degree: 2 });
    for (const r of [stlsqRegressor({ threshold: 0.1 }), sr3Regressor({ threshold: 0.1 })]) {
      expect(truePositivity(fitRegressionData(data, r).coefficients, meta().true_coefficients)).toBe(1);
    }
  });

  it('a joint budget of 7 terms over the three equations is allocated 2 + 3 + 2', () => {
    const data = regressionData(load('lorenz', 'n0.01'), { degree: 2 });
    const model = fitRegressionData(data, mioRegressor({ totalK: 7 }));
    expect(model.optimal).toBe(true);
    expect(model.support.map((row) => row.flatMap((v, j) => (v ? [j] : [])))).toEqual(meta().true_support);
  });

  it('bagged MIO (median of 8 models) recovers Lorenz from the 1% series', () => {
    const data = regressionData(load('lorenz', 'n0.01'), { degree: 2, derivative: 'smoothed-fd' });
    const model = fitRegressionData(data, ensembleRegressor(mioRegressor({ k: [2, 3, 2] }), { models: 8, seed: 3 }));
    expect(truePositivity(model.coefficients, meta().true_coefficients)).toBe(1);
  });
});

describe.skipIf(!sindyFixture.path)(`MIO with equality constraints ${sindyFixture.reason}`, () => {
  it("Lorenz with x0' coefficients tied (xi[x0] = -xi[x1]) recovers the support and satisfies the tie", () => {
    const data = regressionData(load('lorenz', 'n0.01'), { degree: 2 });
    const p = data.theta.cols; // 10
    const row = new Array(3 * p).fill(0);
    row[1] = 1; // equation 0, feature x0
    row[2] = 1; // equation 0, feature x1
    const model = fitRegressionData(data, mioRegressor({ k: [2, 3, 2], constraints: { lhs: [row], rhs: [0] } }));
    expect(model.optimal).toBe(true);
    expect(model.support.map((r) => r.flatMap((v, j) => (v ? [j] : [])))).toEqual(sharedMeta('lorenz').libraries.degree2.true_support);
    expect(model.coefficients[0][1] + model.coefficients[0][2]).toBeCloseTo(0, 10);
    expect(model.coefficients[0][2]).toBeCloseTo(10, 0);
  });
});
