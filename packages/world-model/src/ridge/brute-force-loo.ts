/**
 * Leave-one-out by refitting: for every penalty and every row, ridge (intercept unpenalised) is solved
 * afresh on the other n - 1 rows through its normal equations (Cholesky) and row i is predicted. The
 * reference the efficient leave-one-out is tested and benchmarked against: O(n p^2 (n + p)) per penalty.
 */
import { centerColumns, cholesky, choleskySolve, columnMeans, gram, type DenseMatrix } from '@marr/core';

function withoutRow(m: DenseMatrix, skip: number): DenseMatrix {
  const out = new Float64Array((m.rows - 1) * m.cols);
  out.set(m.data.subarray(0, skip * m.cols), 0);
  out.set(m.data.subarray((skip + 1) * m.cols), skip * m.cols);
  return { rows: m.rows - 1, cols: m.cols, data: out };
}

/** Mean leave-one-out squared error (over rows and targets) of each penalty, by n refits per penalty. */
export function bruteForceLooMse(x: DenseMatrix, y: DenseMatrix, alphas: readonly number[]): number[] {
  const n = x.rows, p = x.cols, t = y.cols;
  return alphas.map((alpha) => {
    let sse = 0;
    for (let i = 0; i < n; i++) {
      const xi = withoutRow(x, i), yi = withoutRow(y, i);
      const xm = columnMeans(xi), ym = columnMeans(yi);
      const xc = centerColumns(xi, xm), yc = centerColumns(yi, ym);
      const a = gram(xc);
      for (let d = 0; d < p; d++) a.data[d * p + d] += alpha;
      const l = cholesky(a);
      for (let j = 0; j < t; j++) {
        const rhs = new Float64Array(p);
        for (let r = 0; r < n - 1; r++) for (let q = 0; q < p; q++) rhs[q] += xc.data[r * p + q] * yc.data[r * t + j];
        const b = choleskySolve(l, rhs);
        let pred = ym[j];
        for (let q = 0; q < p; q++) pred += (x.data[i * p + q] - xm[q]) * b[q];
        const err = y.data[i * t + j] - pred;
        sse += err * err;
      }
    }
    return sse / (n * t);
  });
}
