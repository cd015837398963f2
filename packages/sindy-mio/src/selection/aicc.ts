/**
 * Model selection by the corrected Akaike information criterion on held-out derivatives, as in the
 * paper: AICc = 2k + m ln(RSS / m) + 2 (k + 1)(k + 2) / (m - k - 2), with k nonzero terms and m held-out
 * samples. Each equation picks its own (k, alpha) from the grid; equations are independent given
 * their supports.
 */
import type { DesignMatrix } from '@marr/sparse-regression';
import { mioRegressor } from '../optimizers/mio.js';
import type { RegressionResult, SparseRegressor } from '../optimizers/regressor.js';
import type { RegressionData, SindyModel } from '../model/fit-sindy.js';

export function aicc(rss: number, samples: number, terms: number): number {
  const m = samples;
  const k = terms;
  if (m - k - 2 <= 0) return Infinity;
  return 2 * k + m * Math.log(Math.max(rss, Number.MIN_VALUE) / m) + (2 * (k + 1) * (k + 2)) / (m - k - 2);
}

export interface HeldOutSplit {
  train: { theta: DesignMatrix; targets: Float64Array[] };
  test: { theta: DesignMatrix; targets: Float64Array[] };
}

/**
 * Holds out one block in every 1/fraction blocks of `blockSize` rows within each trajectory, so the
 * held-out samples cover the whole time range (a decaying oscillation's tail alone would hide its small
 * terms) while staying contiguous enough that smoothing leaks little between the parts.
 */
export function heldOutSplit(data: RegressionData, fraction = 0.2, blockSize = 50): HeldOutSplit {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`heldOutSplit: fraction must be in (0, 1), got ${fraction}`);
  const period = Math.max(2, Math.round(1 / fraction));
  const trainRows: number[] = [];
  const testRows: number[] = [];
  for (const [a, b] of data.trajectoryRows) {
    const block = Math.max(1, Math.min(blockSize, Math.floor((b - a) / (2 * period))));
    for (let r = a; r < b; r++) (Math.floor((r - a) / block) % period === period - 1 ? testRows : trainRows).push(r);
  }
  const pick = (rows: number[]) => {
    const p = data.theta.cols;
    const th = new Float64Array(rows.length * p);
    rows.forEach((r, i) => th.set(data.theta.data.subarray(r * p, (r + 1) * p), i * p));
    return { theta: { rows: rows.length, cols: p, data: th }, targets: data.targets.map((y) => Float64Array.from(rows, (r) => y[r])) };
  };
  return { train: pick(trainRows), test: pick(testRows) };
}

export function residualSumOfSquares(theta: DesignMatrix, y: Float64Array, coef: readonly number[]): number {
  let rss = 0;
  for (let r = 0; r < theta.rows; r++) {
    let s = 0;
    for (let j = 0; j < theta.cols; j++) if (coef[j] !== 0) s += theta.data[r * theta.cols + j] * coef[j];
    rss += (y[r] - s) ** 2;
  }
  return rss;
}

export interface SelectionCandidate {
  label: string;
  regressor: SparseRegressor;
}

export interface SelectionResult {
  /** Chosen candidate per equation. */
  chosen: string[];
  /** Every candidate's held-out AICc, one value per equation. */
  scores: { label: string; aicc: number[] }[];
}

/**
 * Scores each candidate regressor by held-out AICc per equation and returns, per equation, the
 * best candidate's label.
 */
export function selectByAicc(data: RegressionData, candidates: readonly SelectionCandidate[], fraction = 0.2): SelectionResult {
  if (candidates.length === 0) throw new Error('selectByAicc: give at least one candidate');
  const split = heldOutSplit(data, fraction);
  const m = split.test.theta.rows;
  const scores = candidates.map((c) => {
    const fit = c.regressor.fit(split.train.theta, split.train.targets);
    return {
      label: c.label,
      aicc: fit.coefficients.map((row, e) => aicc(residualSumOfSquares(split.test.theta, split.test.targets[e], row), m, row.filter((v) => v !== 0).length)),
    };
  });
  const chosen = data.stateNames.map((_, e) => scores.reduce((best, s) => (s.aicc[e] < best.aicc[e] ? s : best)).label);
  return { chosen, scores };
}

/** The MIO grid of the paper's protocol: k = 1..kMax per equation, each alpha in the list. */
export function mioCandidates(kMax: number, alphas: readonly number[], timeLimitMs?: number): SelectionCandidate[] {
  const out: SelectionCandidate[] = [];
  for (const alpha of alphas) for (let k = 1; k <= kMax; k++) out.push({ label: `mio k=${k} alpha=${alpha}`, regressor: mioRegressor({ k, alpha, timeLimitMs }) });
  return out;
}

/**
 * Picks, per equation, the candidate with the lowest held-out AICc and refits it on all the data.
 * The returned model's proof fields (objective, bound, gap, optimal) sum the chosen equations' own
 * MIO numbers (NaN / false for heuristic candidates).
 */
export function fitWithSelection(data: RegressionData, candidates: readonly SelectionCandidate[], fraction = 0.2): { model: SindyModel; selection: SelectionResult } {
  const selection = selectByAicc(data, candidates, fraction);
  const byLabel = new Map(candidates.map((c) => [c.label, c]));
  const fits = new Map<string, RegressionResult>();
  const coefficients: number[][] = [];
  let objective = 0;
  let lowerBound = 0;
  let optimal = true;
  selection.chosen.forEach((label, e) => {
    let fit = fits.get(label);
    if (!fit) {
      fit = (byLabel.get(label) as SelectionCandidate).regressor.fit(data.theta, data.targets);
      fits.set(label, fit);
    }
    coefficients.push(fit.coefficients[e]);
    const detail = fit.details?.[e];
    objective += detail ? detail.objective : Number.NaN;
    lowerBound += detail ? detail.lowerBound : Number.NaN;
    optimal = optimal && (detail?.optimal ?? false);
  });
  const yty = data.targets.reduce((a, y) => a + y.reduce((b, v) => b + v * v, 0), 0);
  const gap = Math.max(0, (objective - lowerBound) / Math.max(Math.abs(objective), 1e-12 * yty));
  const model: SindyModel = {
    stateNames: data.stateNames,
    featureNames: data.featureNames,
    coefficients,
    support: coefficients.map((row) => row.map((c) => (c !== 0 ? 1 : 0))),
    objective,
    lowerBound,
    gap,
    optimal,
    regressor: `selected: ${[...new Set(selection.chosen)].join('; ')}`,
    library: data.library,
  };
  return { model, selection };
}
