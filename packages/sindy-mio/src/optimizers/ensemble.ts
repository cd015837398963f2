/**
 * Bagging (PySINDy's EnsembleOptimizer): fit the regressor on `models` random subsets of the samples
 * (a `fraction` of them, drawn with replacement) and take the elementwise median of the coefficients.
 */
import { createRng } from '@marr/core';
import type { DesignMatrix } from '@marr/sparse-regression';
import type { RegressionResult, SparseRegressor } from './regressor.js';

export interface EnsembleOptions {
  models?: number;
  fraction?: number;
  seed: number;
  /** Draw with replacement (default true). */
  replace?: boolean;
}

function median(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

export function ensembleRegressor(base: SparseRegressor, options: EnsembleOptions): SparseRegressor {
  const models = options.models ?? 20;
  const fraction = options.fraction ?? 0.6;
  if (!Number.isInteger(models) || models < 1) throw new Error(`ensemble: models must be a positive integer, got ${models}`);
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`ensemble: fraction must be in (0, 1], got ${fraction}`);
  return {
    name: `ensemble(${base.name})`,
    fit(theta: DesignMatrix, targets: readonly Float64Array[]): RegressionResult {
      const rng = createRng(options.seed);
      const n = theta.rows;
      const size = Math.max(1, Math.round(fraction * n));
      const fits: number[][][] = [];
      for (let b = 0; b < models; b++) {
        let rows: number[];
        if (options.replace === false) rows = rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, size);
        else rows = Array.from({ length: size }, () => rng.int(n));
        const data = new Float64Array(size * theta.cols);
        rows.forEach((r, i) => data.set(theta.data.subarray(r * theta.cols, (r + 1) * theta.cols), i * theta.cols));
        const sub = { rows: size, cols: theta.cols, data };
        const subTargets = targets.map((y) => Float64Array.from(rows, (r) => y[r]));
        fits.push(base.fit(sub, subTargets).coefficients);
      }
      const coefficients = targets.map((_, i) => Array.from({ length: theta.cols }, (_, j) => median(fits.map((f) => f[i][j]))));
      return { coefficients, objective: Number.NaN, lowerBound: Number.NaN, gap: Number.NaN, optimal: false };
    },
  };
}
