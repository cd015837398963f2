/**
 * F1 and the Matthews correlation of hard predictions against binary labels (sklearn's `f1_score` and
 * `matthews_corrcoef`: F1 is 0 when nothing is predicted positive, MCC is 0 when any margin is empty).
 */
export interface BinaryScores {
  f1: number;
  mcc: number;
}

export function binaryScores(labels: ArrayLike<number>, predicted: ArrayLike<number>): BinaryScores {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] ? 1 : 0;
    const p = predicted[i] ? 1 : 0;
    if (y && p) tp++;
    else if (!y && p) fp++;
    else if (y && !p) fn++;
    else tn++;
  }
  const f1 = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  const mcc = denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator;
  return { f1, mcc };
}
