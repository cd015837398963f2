/**
 * Binary classification metrics, as the paper reports them (sklearn definitions): F1 (primary),
 * precision, recall, MCC, balanced accuracy and accuracy from hard predictions; ROC-AUC and PR-AUC
 * from scores. Undefined ratios (0 / 0) are 0, as sklearn's zero_division=0.
 */

export interface ConfusionCounts {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface BinaryMetrics {
  f1: number;
  precision: number;
  recall: number;
  mcc: number;
  accuracy: number;
  balancedAccuracy: number;
  rocAuc: number;
  prAuc: number;
}

function checkPair(a: ArrayLike<unknown>, b: ArrayLike<unknown>, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: ${a.length} labels but ${b.length} predictions; give one per example`);
  if (a.length === 0) throw new Error(`${what}: no examples`);
}

export function confusionCounts(labels: ArrayLike<number>, predicted: ArrayLike<number>): ConfusionCounts {
  checkPair(labels, predicted, 'confusionCounts');
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] ? 1 : 0;
    const p = predicted[i] ? 1 : 0;
    if (y && p) c.tp++;
    else if (!y && p) c.fp++;
    else if (!y && !p) c.tn++;
    else c.fn++;
  }
  return c;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

export function countMetrics(c: ConfusionCounts): Omit<BinaryMetrics, 'rocAuc' | 'prAuc'> {
  const precision = ratio(c.tp, c.tp + c.fp);
  const recall = ratio(c.tp, c.tp + c.fn);
  const f1 = ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn);
  const denom = Math.sqrt((c.tp + c.fp) * (c.tp + c.fn) * (c.tn + c.fp) * (c.tn + c.fn));
  const mcc = denom === 0 ? 0 : (c.tp * c.tn - c.fp * c.fn) / denom;
  const n = c.tp + c.fp + c.tn + c.fn;
  const specificity = ratio(c.tn, c.tn + c.fp);
  const positives = c.tp + c.fn;
  const negatives = c.tn + c.fp;
  const balancedAccuracy = positives === 0 ? specificity : negatives === 0 ? recall : (recall + specificity) / 2;
  return { f1, precision, recall, mcc, accuracy: ratio(c.tp + c.tn, n), balancedAccuracy };
}

/** Distinct score thresholds from high to low with the cumulative true/false positives above each. */
function thresholdCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): { tps: number[]; fps: number[] } {
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < order.length; r++) {
    if (labels[order[r]]) tp++;
    else fp++;
    if (r === order.length - 1 || scores[order[r + 1]] !== scores[order[r]]) {
      tps.push(tp);
      fps.push(fp);
    }
  }
  return { tps, fps };
}

/** Area under the ROC curve (ties count one half). Throws when only one class is present. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPair(labels, scores, 'rocAuc');
  const { tps, fps } = thresholdCurve(labels, scores);
  const P = tps[tps.length - 1];
  const N = fps[fps.length - 1];
  if (P === 0 || N === 0) throw new Error('rocAuc: needs examples of both classes');
  let area = 0;
  let prevT = 0;
  let prevF = 0;
  for (let i = 0; i < tps.length; i++) {
    area += ((fps[i] - prevF) * (tps[i] + prevT)) / 2;
    prevT = tps[i];
    prevF = fps[i];
  }
  return area / (P * N);
}

/**
 * Area under the precision-recall curve by the trapezoidal rule over sklearn's precision_recall_curve
 * points (the paper's `auc(recall, precision)`), which starts at (recall 0, precision 1).
 */
export function prAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  checkPair(labels, scores, 'prAuc');
  const { tps, fps } = thresholdCurve(labels, scores);
  const P = tps[tps.length - 1];
  if (P === 0) throw new Error('prAuc: needs at least one positive example');
  // sklearn stops the curve once full recall is reached.
  const last = tps.findIndex((t) => t === P);
  const recall: number[] = [0];
  const precision: number[] = [1];
  for (let i = 0; i <= last; i++) {
    recall.push(tps[i] / P);
    precision.push(tps[i] / (tps[i] + fps[i]));
  }
  let area = 0;
  for (let i = 1; i < recall.length; i++) area += ((recall[i] - recall[i - 1]) * (precision[i] + precision[i - 1])) / 2;
  return area;
}

/** All metrics; predictions are score > threshold (default 0.5 for probabilities). */
export function binaryMetrics(labels: ArrayLike<number>, scores: ArrayLike<number>, threshold = 0.5): BinaryMetrics {
  checkPair(labels, scores, 'binaryMetrics');
  const predicted = Array.from(scores, (s) => (s > threshold ? 1 : 0));
  return { ...countMetrics(confusionCounts(labels, predicted)), rocAuc: rocAuc(labels, scores), prAuc: prAuc(labels, scores) };
}
