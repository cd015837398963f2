/** Mean-difference ranker: |mean over positives - mean over negatives| per feature (the paper's default filter). */
import type { DesignMatrix } from '@marr/sparse-regression';

export function meanDifferenceScores(x: DesignMatrix, labels: ArrayLike<number>): Float64Array {
  const { rows: n, cols: p, data } = x;
  const pos = new Float64Array(p);
  const neg = new Float64Array(p);
  let np = 0;
  for (let i = 0; i < n; i++) {
    const target = labels[i] ? pos : neg;
    if (labels[i]) np++;
    for (let j = 0; j < p; j++) target[j] += data[i * p + j];
  }
  const nn = n - np;
  if (np === 0 || nn === 0) throw new Error(`meanDifferenceScores: need both classes, got ${np} positive and ${nn} negative examples`);
  const out = new Float64Array(p);
  for (let j = 0; j < p; j++) out[j] = Math.abs(pos[j] / np - neg[j] / nn);
  return out;
}
