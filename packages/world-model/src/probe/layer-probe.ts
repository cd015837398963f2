/**
 * One probe on one layer, the authors' way (probe_experiment.py): targets standardised with the mean and
 * (population) standard deviation of the training entities, ridge with the penalty chosen by efficient
 * leave-one-out on the training entities (places: latitude and longitude fitted jointly, one penalty),
 * predictions mapped back to degrees or years, and scored on the test entities.
 */
import { type DenseMatrix } from '@marr/core';
import { haversineKm } from '../metrics/geo.js';
import { mean, proximityErrors, type TruePredDistance } from '../metrics/proximity.js';
import { regressionScores, type RegressionScores } from '../metrics/regression.js';
import { ridgeCv, ridgePredict, type RidgeCvFit } from '../ridge/ridge-cv.js';
import type { TargetKind } from '../entities/table.js';

export interface TargetScores extends RegressionScores {
  target: string;
}

export interface ProbeScores {
  /** Mean over targets of each target's test R^2 (sklearn's r2_score on several outputs). */
  r2: number;
  pearson: number;
  spearman: number;
  /** Mean absolute error over targets, in the targets' units (degrees; years). */
  mae: number;
  /** Mean proximity error of the test entities among the test entities (NaN for training scores, not computed). */
  proximityError: number;
  /** Places: mean great-circle error in km; null for a scalar target. */
  haversineKm: number | null;
  perTarget: TargetScores[];
}

export interface LayerProbe {
  fit: RidgeCvFit;
  /** Training mean and standard deviation of each target. */
  targetMean: Float64Array;
  targetStd: Float64Array;
  /** entities x targets, in the targets' units, for every entity given (train and test). */
  predictions: DenseMatrix;
  train: ProbeScores;
  test: ProbeScores;
}

function rows(m: DenseMatrix, idx: readonly number[]): DenseMatrix {
  const out = new Float64Array(idx.length * m.cols);
  idx.forEach((r, k) => out.set(m.data.subarray(r * m.cols, (r + 1) * m.cols), k * m.cols));
  return { rows: idx.length, cols: m.cols, data: out };
}

/** Targets as an entities x targets matrix. */
export function targetMatrix(targets: readonly Float64Array[]): DenseMatrix {
  const n = targets[0].length, t = targets.length;
  const data = new Float64Array(n * t);
  for (let i = 0; i < n; i++) for (let j = 0; j < t; j++) data[i * t + j] = targets[j][i];
  return { rows: n, cols: t, data };
}

/** Distance between entity i's true value and entity j's prediction (km for places, absolute for scalars). */
export function truePredDistance(kind: TargetKind, y: DenseMatrix, pred: DenseMatrix): TruePredDistance {
  if (kind === 'place') {
    return (i, j) => haversineKm({ lat: y.data[i * 2], lon: y.data[i * 2 + 1] }, { lat: pred.data[j * 2], lon: pred.data[j * 2 + 1] });
  }
  return (i, j) => Math.abs(y.data[i] - pred.data[j]);
}

/** Scores of the entities `idx` (proximity among themselves, unless `proximity` is false: it costs |idx|^2). */
export function scoreEntities(kind: TargetKind, targetNames: readonly string[], y: DenseMatrix, pred: DenseMatrix, idx: readonly number[], proximity = true): ProbeScores {
  const t = y.cols;
  const perTarget = targetNames.map((target, j): TargetScores => {
    const truth = Float64Array.from(idx, (i) => y.data[i * t + j]);
    const p = Float64Array.from(idx, (i) => pred.data[i * t + j]);
    return { target, ...regressionScores(truth, p) };
  });
  const avg = (key: keyof RegressionScores): number => perTarget.reduce((s, r) => s + r[key], 0) / perTarget.length;
  const distance = truePredDistance(kind, y, pred);
  return {
    r2: avg('r2'),
    pearson: avg('pearson'),
    spearman: avg('spearman'),
    mae: avg('mae'),
    proximityError: proximity ? mean(proximityErrors(idx, idx, distance)) : NaN,
    haversineKm: kind === 'place' ? mean(Float64Array.from(idx, (i) => distance(i, i))) : null,
    perTarget,
  };
}

/** Mean and population standard deviation of each target over the rows `idx`. */
export function standardisation(y: DenseMatrix, idx: readonly number[]): { mean: Float64Array; std: Float64Array } {
  const t = y.cols;
  const m = new Float64Array(t), s = new Float64Array(t);
  for (const i of idx) for (let j = 0; j < t; j++) m[j] += y.data[i * t + j] / idx.length;
  for (const i of idx) for (let j = 0; j < t; j++) s[j] += (y.data[i * t + j] - m[j]) ** 2 / idx.length;
  for (let j = 0; j < t; j++) s[j] = Math.sqrt(s[j]) || 1;
  return { mean: m, std: s };
}

/** Fits on `train` (standardised targets, penalty by leave-one-out over `alphas`), predicts every entity. */
export function fitProbe(x: DenseMatrix, y: DenseMatrix, train: readonly number[], alphas: readonly number[]): Pick<LayerProbe, 'fit' | 'targetMean' | 'targetStd' | 'predictions'> {
  const t = y.cols;
  const { mean: targetMean, std: targetStd } = standardisation(y, train);
  const yTrain = rows(y, train);
  for (let i = 0; i < yTrain.rows; i++) for (let j = 0; j < t; j++) yTrain.data[i * t + j] = (yTrain.data[i * t + j] - targetMean[j]) / targetStd[j];
  const fit = ridgeCv(rows(x, train), yTrain, alphas);
  const predictions = ridgePredict(fit, x);
  for (let i = 0; i < predictions.rows; i++) for (let j = 0; j < t; j++) predictions.data[i * t + j] = predictions.data[i * t + j] * targetStd[j] + targetMean[j];
  return { fit, targetMean, targetStd, predictions };
}

export function layerProbe(
  kind: TargetKind,
  targetNames: readonly string[],
  x: DenseMatrix,
  y: DenseMatrix,
  split: { train: readonly number[]; test: readonly number[] },
  alphas: readonly number[],
): LayerProbe {
  const probe = fitProbe(x, y, split.train, alphas);
  return {
    ...probe,
    train: scoreEntities(kind, targetNames, y, probe.predictions, split.train, false),
    test: scoreEntities(kind, targetNames, y, probe.predictions, split.test),
  };
}
