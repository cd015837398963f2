/**
 * Single neurons that best predict a target: each neuron's activation (at the entity's last token) fitted
 * to the target by least squares on the training entities alone; neurons are ranked by training R^2 (no
 * peeking at the test split) and reported with their test R^2 and Pearson r.
 */
import type { DenseMatrix } from '@marr/core';
import { pearson, r2Score } from '../metrics/regression.js';

export interface PredictiveNeuron {
  target: string;
  layer: number;
  neuron: number;
  trainR2: number;
  testR2: number;
  testPearson: number;
}

/** Least-squares line y = a + b x on the rows `idx`; b = 0 for a constant activation. */
function line(x: DenseMatrix, col: number, y: Float64Array, idx: readonly number[]): { a: number; b: number } {
  let mx = 0, my = 0;
  for (const i of idx) {
    mx += x.data[i * x.cols + col] / idx.length;
    my += y[i] / idx.length;
  }
  let sxy = 0, sxx = 0;
  for (const i of idx) {
    const dx = x.data[i * x.cols + col] - mx;
    sxy += dx * (y[i] - my);
    sxx += dx * dx;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b };
}

export function predictiveNeurons(
  layer: number,
  x: DenseMatrix,
  targets: readonly { target: string; values: Float64Array }[],
  split: { train: readonly number[]; test: readonly number[] },
  top: number,
): PredictiveNeuron[] {
  const out: PredictiveNeuron[] = [];
  for (const { target, values } of targets) {
    const all: PredictiveNeuron[] = [];
    for (let n = 0; n < x.cols; n++) {
      const { a, b } = line(x, n, values, split.train);
      const predict = (idx: readonly number[]): Float64Array => Float64Array.from(idx, (i) => a + b * x.data[i * x.cols + n]);
      const trainTruth = Float64Array.from(split.train, (i) => values[i]);
      const testTruth = Float64Array.from(split.test, (i) => values[i]);
      const testAct = Float64Array.from(split.test, (i) => x.data[i * x.cols + n]);
      const testPearson = pearson(testTruth, testAct);
      all.push({
        target, layer, neuron: n,
        trainR2: r2Score(trainTruth, predict(split.train)),
        testR2: r2Score(testTruth, predict(split.test)),
        testPearson: Number.isNaN(testPearson) ? 0 : testPearson,
      });
    }
    all.sort((p, q) => q.trainR2 - p.trainR2 || p.neuron - q.neuron);
    out.push(...all.slice(0, top));
  }
  return out;
}
