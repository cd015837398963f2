export * from './data/feature-matrix.js';
export * from './data/split.js';
export * from './data/standardize.js';
export * from './metrics/binary-metrics.js';
export * from './rankers/mean-difference.js';
export * from './rankers/f-statistic.js';
export * from './rankers/mutual-information.js';
export * from './rankers/l1-logistic.js';
export * from './rankers/rank-features.js';
export * from './probe/prepare.js';
export * from './probe/k-sweep.js';
export * from './probe/layer-sweep.js';
export * from './activations/collect.js';
export * from './datasets/labels.js';
export * from './datasets/labelled-jsonl.js';
export * from './datasets/language-id.js';
export * from './datasets/position.js';
export * from './datasets/activation-table.js';
export {
  fitLogisticRegression,
  logisticProbabilities,
  balancedClassWeights,
  optimalSparseClassifier,
  exhaustiveSparseClassifier,
  type LogisticFit,
  type SparseClassifierResult,
} from '@marr/sparse-regression';
export { sparseProbe } from './analyses/sparse-probe.js';
export { probeSweep } from './analyses/probe-sweep.js';
export { buildProbeInputs, type ProbeInputs } from './analyses/build-inputs.js';
export { default as plugin } from './plugin.js';
export { default } from './plugin.js';
