/**
 * The whole `sindy` analysis as a plain function: build the regression data, choose the regressor's
 * hyperparameters (or take them as given), fit, and score the model on its derivatives and by
 * simulating it.
 */
import type { TimeSeries } from '../data/time-series.js';
import type { DerivativeMethod } from '../differentiation/differentiate.js';
import { rSquared } from '../metrics/metrics.js';
import { ensembleRegressor } from '../optimizers/ensemble.js';
import { mioRegressor } from '../optimizers/mio.js';
import type { SparseRegressor } from '../optimizers/regressor.js';
import { sr3Regressor } from '../optimizers/sr3.js';
import { stlsqRegressor } from '../optimizers/stlsq.js';
import { fitWithSelection, mioCandidates, type SelectionCandidate, type SelectionResult } from '../selection/aicc.js';
import { fitRegressionData, predictDerivatives, regressionData, type RegressionData, type SindyModel } from './fit-sindy.js';
import { simulateModel } from './simulate.js';

export type SindyMethod = 'mio' | 'stlsq' | 'sr3';

export interface DiscoverOptions {
  degree: number;
  derivative: DerivativeMethod;
  smoothingWindow?: number;
  method: SindyMethod;
  k?: number;
  totalK?: number;
  kMax?: number;
  alpha?: number;
  /** MIO: ridge weights to select over (with k) by AICc when k is not given. */
  alphaGrid?: readonly number[];
  threshold?: number;
  nu?: number;
  ensemble?: number;
  validationFraction?: number;
  timeLimitMs?: number;
  simulate?: boolean;
  seed?: number;
}

export interface Discovery {
  model: SindyModel;
  data: RegressionData;
  /** Present when hyperparameters were chosen by AICc. */
  selection?: SelectionResult;
  /** R^2 of the fitted right-hand side against the estimated derivatives (all samples, pooled). */
  derivativeR2: number;
  /** Per trajectory: R^2 of the simulated states against the data, or null if the simulation failed. */
  simulationR2: (number | null)[];
  simulationMessages: string[];
}

/** The log grid STLSQ and SR3 thresholds are chosen from. */
export const THRESHOLD_GRID = [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3];

/** `librarySize`: the default kMax (5) is clamped to it, so a small library never fails on a k the user did not set. */
export function candidatesFor(options: DiscoverOptions, librarySize = Infinity): SelectionCandidate[] | SparseRegressor {
  const wrap = (r: SparseRegressor): SparseRegressor =>
    options.ensemble && options.ensemble > 0 ? ensembleRegressor(r, { models: options.ensemble, seed: options.seed ?? 0 }) : r;
  const alpha = options.alpha ?? 0.01;
  if (options.method === 'mio') {
    if (options.k !== undefined || options.totalK !== undefined) {
      return wrap(mioRegressor({ k: options.k, totalK: options.totalK, alpha, timeLimitMs: options.timeLimitMs }));
    }
    const alphas = options.alphaGrid && options.alphaGrid.length > 0 ? options.alphaGrid : [alpha];
    return mioCandidates(Math.max(1, Math.min(options.kMax ?? 5, librarySize)), alphas, options.timeLimitMs).map((c) => ({ ...c, regressor: wrap(c.regressor) }));
  }
  const make = (threshold: number): SparseRegressor =>
    options.method === 'stlsq' ? stlsqRegressor({ threshold, alpha }) : sr3Regressor({ threshold, nu: options.nu ?? 1 });
  if (options.threshold !== undefined) return wrap(make(options.threshold));
  return THRESHOLD_GRID.map((threshold) => ({ label: `${options.method} threshold=${threshold}`, regressor: wrap(make(threshold)) }));
}

export function discoverModel(series: TimeSeries, options: DiscoverOptions): Discovery {
  const data = regressionData(series, {
    degree: options.degree,
    derivative: options.derivative,
    smoothing: options.smoothingWindow ? { windowLength: options.smoothingWindow } : undefined,
  });
  const d = data.stateNames.length;
  const p = data.theta.cols;
  if (options.k !== undefined && options.k > p) {
    throw new Error(`k = ${options.k} is larger than the library (${p} terms for degree ${options.degree}); use k <= ${p} or a higher degree`);
  }
  if (options.totalK !== undefined && options.totalK > p * d) {
    throw new Error(`totalK = ${options.totalK} is larger than all coefficients (${p * d}); use totalK <= ${p * d}`);
  }
  data.targets.forEach((y, e) => {
    const bad = y.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new Error(`the derivative of state "${data.stateNames[e]}" is ${y[bad]} at sample ${bad}: the values overflow double precision; rescale that column`);
    }
  });
  const chosen = candidatesFor(options, p);
  let model: SindyModel;
  let selection: SelectionResult | undefined;
  if (Array.isArray(chosen)) {
    const res = fitWithSelection(data, chosen, options.validationFraction ?? 0.2);
    model = res.model;
    selection = res.selection;
  } else {
    model = fitRegressionData(data, chosen as SparseRegressor);
  }
  const n = data.theta.rows;
  const pred = predictDerivatives(model, data.states, n);
  const actual = new Float64Array(n * d);
  data.targets.forEach((y, e) => y.forEach((v, r) => (actual[r * d + e] = v)));
  const derivativeR2 = rSquared(pred, actual, d);
  const simulationR2: (number | null)[] = [];
  const simulationMessages: string[] = [];
  if (options.simulate !== false) {
    for (const tr of series.trajectories) {
      const sim = simulateModel(model, tr.x.subarray(0, d), tr.t);
      simulationMessages.push(sim.message);
      simulationR2.push(sim.success ? rSquared(sim.x, tr.x, d) : null);
    }
  }
  return { model, data, selection, derivativeR2, simulationR2, simulationMessages };
}
