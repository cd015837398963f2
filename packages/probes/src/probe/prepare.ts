/**
 * Splitting and standardising a labelled feature set the way the paper does: a seeded, stratified
 * 70/30 split, then every feature standardised with the training rows' mean and deviation.
 */
import { applyStandardizer, fitStandardizer } from '../data/standardize.js';
import { selectRows, type LabelledFeatures } from '../data/feature-matrix.js';
import { stratifiedSplit } from '../data/split.js';

export interface PreparedSplit {
  train: LabelledFeatures;
  test: LabelledFeatures;
  /** Example indices of each part in the original set. */
  trainRows: number[];
  testRows: number[];
}

export function prepareSplit(features: LabelledFeatures, options: { testFraction?: number; seed: number }): PreparedSplit {
  const { train: trainRows, test: testRows } = stratifiedSplit(features.labels, options);
  const rawTrain = selectRows(features.x, trainRows);
  const standardizer = fitStandardizer(rawTrain);
  const pick = (rows: number[]): Uint8Array => Uint8Array.from(rows, (r) => features.labels[r]);
  return {
    train: { x: applyStandardizer(rawTrain, standardizer), names: features.names, labels: pick(trainRows) },
    test: { x: applyStandardizer(selectRows(features.x, testRows), standardizer), names: features.names, labels: pick(testRows) },
    trainRows,
    testRows,
  };
}
