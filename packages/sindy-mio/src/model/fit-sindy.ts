/**
 * Fitting a SINDy model: differentiate each trajectory, build the library on the (possibly smoothed)
 * states, stack the trajectories, and hand Theta and the derivative columns to a sparse regressor.
 */
import type { DesignMatrix } from '@marr/sparse-regression';
import type { TimeSeries } from '../data/time-series.js';
import { differentiate, type DerivativeMethod } from '../differentiation/differentiate.js';
import type { SavitzkyGolayOptions } from '../differentiation/savitzky-golay.js';
import type { FeatureLibrary } from '../library/feature-library.js';
import { polynomialLibrary } from '../library/polynomial-library.js';
import type { SparseRegressor } from '../optimizers/regressor.js';

export interface RegressionDataOptions {
  /** Feature library (default: polynomials up to `degree`). */
  library?: FeatureLibrary;
  /** Polynomial degree when no library is given (default 2). */
  degree?: number;
  derivative?: DerivativeMethod;
  smoothing?: SavitzkyGolayOptions;
}

export interface RegressionData {
  stateNames: string[];
  featureNames: string[];
  library: FeatureLibrary;
  /** Library evaluated on every sample of every trajectory, stacked. */
  theta: DesignMatrix;
  /** Derivative columns, one per state. */
  targets: Float64Array[];
  /** The states the library was built from (row-major, stacked). */
  states: Float64Array;
  /** Row ranges of each trajectory in theta. */
  trajectoryRows: [number, number][];
}

export function regressionData(series: TimeSeries, options: RegressionDataOptions = {}): RegressionData {
  const library = options.library ?? polynomialLibrary({ degree: options.degree ?? 2 });
  const d = series.stateNames.length;
  const method = options.derivative ?? 'fd';
  const parts = series.trajectories.map((tr) => differentiate(method, tr.x, tr.t, d, options.smoothing));
  const n = series.trajectories.reduce((a, tr) => a + tr.t.length, 0);
  const p = library.size(d);
  if (n < p) {
    throw new Error(
      `sindy: ${n} samples are too few for a library of ${p} features (need at least as many samples as features); use a lower degree or more data`,
    );
  }
  const states = new Float64Array(n * d);
  const derivs = new Float64Array(n * d);
  const trajectoryRows: [number, number][] = [];
  let off = 0;
  parts.forEach((part, i) => {
    const len = series.trajectories[i].t.length;
    states.set(part.states, off * d);
    derivs.set(part.derivatives, off * d);
    trajectoryRows.push([off, off + len]);
    off += len;
  });
  const theta = library.transform(states, n, d);
  const targets = series.stateNames.map((_, e) => Float64Array.from({ length: n }, (_, r) => derivs[r * d + e]));
  return { stateNames: series.stateNames.slice(), featureNames: library.names(series.stateNames), library, theta, targets, states, trajectoryRows };
}

export interface SindyModel {
  stateNames: string[];
  featureNames: string[];
  /** rows = states (equations), columns = features. */
  coefficients: number[][];
  /** 0/1, same shape as coefficients. */
  support: number[][];
  objective: number;
  lowerBound: number;
  gap: number;
  optimal: boolean;
  regressor: string;
  library: FeatureLibrary;
}

export function fitRegressionData(data: RegressionData, regressor: SparseRegressor): SindyModel {
  const fit = regressor.fit(data.theta, data.targets);
  return {
    stateNames: data.stateNames,
    featureNames: data.featureNames,
    coefficients: fit.coefficients,
    support: fit.coefficients.map((row) => row.map((c) => (c !== 0 ? 1 : 0))),
    objective: fit.objective,
    lowerBound: fit.lowerBound,
    gap: fit.gap,
    optimal: fit.optimal,
    regressor: regressor.name,
    library: data.library,
  };
}

export interface FitSindyOptions extends RegressionDataOptions {
  regressor: SparseRegressor;
}

/** Differentiates, builds the library and fits: the whole SINDy pipeline on a time series. */
export function fitSindy(series: TimeSeries, options: FitSindyOptions): SindyModel {
  return fitRegressionData(regressionData(series, options), options.regressor);
}

/** The model's right-hand side Theta(x) Xi^T at states given row-major samples x d. */
export function predictDerivatives(model: SindyModel, states: Float64Array, samples: number): Float64Array {
  const d = model.stateNames.length;
  const theta = model.library.transform(states, samples, d);
  const out = new Float64Array(samples * d);
  for (let r = 0; r < samples; r++) {
    for (let e = 0; e < d; e++) {
      let s = 0;
      const row = model.coefficients[e];
      for (let j = 0; j < theta.cols; j++) if (row[j] !== 0) s += theta.data[r * theta.cols + j] * row[j];
      out[r * d + e] = s;
    }
  }
  return out;
}

/** Human-readable equations, e.g. `x0' = -10 x0 + 10 x1`. */
export function modelEquations(model: SindyModel, digits = 4): string[] {
  return model.stateNames.map((s, e) => {
    const terms = model.coefficients[e]
      .map((c, j) => [c, model.featureNames[j]] as const)
      .filter(([c]) => c !== 0)
      .map(([c, name], i) => {
        const mag = Number(Math.abs(c).toPrecision(digits));
        const sign = c < 0 ? (i === 0 ? '-' : '- ') : i === 0 ? '' : '+ ';
        return `${sign}${mag}${name === '1' ? '' : ' ' + name}`;
      });
    return `${s}' = ${terms.length ? terms.join(' ') : '0'}`;
  });
}
