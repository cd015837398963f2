/**
 * Probing one feature across layers: the same seeded split for every layer, the best single neuron of
 * each layer (exact k = 1: every neuron's own logistic fit, best training objective, scored on the test
 * split), the best layer by that neuron's test F1, and the full k sweep there (or at a chosen layer).
 */
import { balancedClassWeights, logisticProbabilities, logisticProblem } from '@marr/sparse-regression';
import { labelledFeatures, type LabelledFeatures } from '../data/feature-matrix.js';
import { binaryMetrics } from '../metrics/binary-metrics.js';
import { kSweep, type KSweepOptions, type KSweepResult } from './k-sweep.js';
import { prepareSplit } from './prepare.js';

export interface LayerInput {
  hookPoint: string;
  layer: number | null;
  x: LabelledFeatures['x'];
  names: string[];
}

export interface LayerSummary {
  hookPoint: string;
  layer: number | null;
  /** The best single neuron (exact k = 1 by training objective). */
  bestNeuron: string;
  f1: number;
  mcc: number;
  rocAuc: number;
  /** Sign of the neuron's coefficient: +1 when it fires more for the feature. */
  sign: number;
}

export interface LayerSweepResult {
  layers: LayerSummary[];
  /** Hook point of the layer the k sweep ran on. */
  sweepHookPoint: string;
  sweep: KSweepResult;
  trainSize: number;
  testSize: number;
  positives: number;
}

export interface LayerSweepOptions extends KSweepOptions {
  testFraction?: number;
  seed: number;
  /** Hook point for the k sweep (default: the layer whose best neuron has the highest test F1). */
  sweepHookPoint?: string;
}

export function bestSingleFeature(train: LabelledFeatures, test: LabelledFeatures, C = 1): { index: number; f1: number; mcc: number; rocAuc: number; sign: number } {
  const weights = balancedClassWeights(train.labels);
  let best = { index: -1, objective: Infinity, coefficient: 0 };
  const problem = logisticProblem(train.x, train.labels, { C, weights });
  for (let j = 0; j < train.x.cols; j++) {
    const fit = problem.fit({ support: [j] });
    if (fit.objective < best.objective) best = { index: j, objective: fit.objective, coefficient: fit.coefficients[j] };
  }
  const fit = problem.fit({ support: [best.index] });
  const m = binaryMetrics(test.labels, logisticProbabilities(test.x, fit));
  return { index: best.index, f1: m.f1, mcc: m.mcc, rocAuc: m.rocAuc, sign: Math.sign(best.coefficient) };
}

export async function layerSweep(layers: readonly LayerInput[], labels: Uint8Array, options: LayerSweepOptions): Promise<LayerSweepResult> {
  if (layers.length === 0) throw new Error('layerSweep: no layers to probe');
  const summaries: LayerSummary[] = [];
  const prepared = layers.map((l) => prepareSplit(labelledFeatures(l.x, l.names, labels), { seed: options.seed, testFraction: options.testFraction }));
  layers.forEach((l, i) => {
    const { train, test } = prepared[i];
    const best = bestSingleFeature(train, test, options.C);
    summaries.push({ hookPoint: l.hookPoint, layer: l.layer, bestNeuron: l.names[best.index], f1: best.f1, mcc: best.mcc, rocAuc: best.rocAuc, sign: best.sign });
  });
  let chosen = 0;
  if (options.sweepHookPoint) {
    chosen = layers.findIndex((l) => l.hookPoint === options.sweepHookPoint);
    if (chosen < 0) throw new Error(`layerSweep: sweep hook point "${options.sweepHookPoint}" is not among the probed ones (${layers.map((l) => l.hookPoint).join(', ')})`);
  } else {
    summaries.forEach((s, i) => {
      if (s.f1 > summaries[chosen].f1) chosen = i;
    });
  }
  const { train, test } = prepared[chosen];
  const sweep = await kSweep(train, test, options);
  return {
    layers: summaries,
    sweepHookPoint: layers[chosen].hookPoint,
    sweep,
    trainSize: train.x.rows,
    testSize: test.x.rows,
    positives: labels.reduce((a, v) => a + v, 0),
  };
}
