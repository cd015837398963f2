/**
 * One-way ANOVA F statistic per feature for two classes (sklearn's f_classif): between-class mean
 * square over within-class mean square, with 1 and n - 2 degrees of freedom. Constant features get 0.
 */
import type { DesignMatrix } from '@marr/sparse-regression';

export function fStatisticScores(x: DesignMatrix, labels: ArrayLike<number>): Float64Array {
  const { rows: n, cols: p, data } = x;
  const sum = [new Float64Array(p), new Float64Array(p)];
  const count = [0, 0];
  for (let i = 0; i < n; i++) {
    const c = labels[i] ? 1 : 0;
    count[c]++;
    for (let j = 0; j < p; j++) sum[c][j] += data[i * p + j];
  }
  if (count[0] === 0 || count[1] === 0) throw new Error('fStatisticScores: need examples of both classes');
  if (n < 3) throw new Error(`fStatisticScores: need at least 3 examples, got ${n}`);
  const within = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const c = labels[i] ? 1 : 0;
    for (let j = 0; j < p; j++) within[j] += (data[i * p + j] - sum[c][j] / count[c]) ** 2;
  }
  const out = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const m0 = sum[0][j] / count[0];
    const m1 = sum[1][j] / count[1];
    const m = (sum[0][j] + sum[1][j]) / n;
    const between = count[0] * (m0 - m) ** 2 + count[1] * (m1 - m) ** 2;
    const msw = within[j] / (n - 2);
    out[j] = msw > 0 ? between / msw : between > 0 ? Infinity : 0;
  }
  return out;
}
