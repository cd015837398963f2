/**
 * Second-order finite differences along time, per column: central differences inside, second-order
 * one-sided differences at the two ends (PySINDy's FiniteDifference(order=2)). Works on any strictly
 * increasing time grid (three-point Lagrange weights), which reduces to (x[i+1] - x[i-1]) / 2dt on a
 * uniform grid.
 */

/** Weights of the derivative at t[at] of the quadratic through (t[a], t[b], t[c]). */
function threePointWeights(ta: number, tb: number, tc: number, at: number): [number, number, number] {
  const wa = (2 * at - tb - tc) / ((ta - tb) * (ta - tc));
  const wb = (2 * at - ta - tc) / ((tb - ta) * (tb - tc));
  const wc = (2 * at - ta - tb) / ((tc - ta) * (tc - tb));
  return [wa, wb, wc];
}

/**
 * d/dt of each column of `x` (row-major samples x columns) on the time grid `t`.
 * Needs at least 3 samples.
 */
export function finiteDifference(x: Float64Array, t: ArrayLike<number>, columns: number): Float64Array {
  const n = t.length;
  if (x.length !== n * columns) throw new Error(`finiteDifference: expected ${n * columns} values for ${n} samples x ${columns} columns, got ${x.length}`);
  if (n < 3) throw new Error(`finiteDifference: need at least 3 samples for second-order differences, got ${n}`);
  for (let i = 1; i < n; i++) {
    if (!(t[i] > t[i - 1])) throw new Error(`finiteDifference: time must be strictly increasing, but t[${i}] = ${t[i]} <= t[${i - 1}] = ${t[i - 1]}`);
  }
  const out = new Float64Array(n * columns);
  const apply = (row: number, i0: number, w: [number, number, number]): void => {
    for (let c = 0; c < columns; c++) {
      out[row * columns + c] = w[0] * x[i0 * columns + c] + w[1] * x[(i0 + 1) * columns + c] + w[2] * x[(i0 + 2) * columns + c];
    }
  };
  apply(0, 0, threePointWeights(t[0], t[1], t[2], t[0]));
  for (let i = 1; i < n - 1; i++) apply(i, i - 1, threePointWeights(t[i - 1], t[i], t[i + 1], t[i]));
  apply(n - 1, n - 3, threePointWeights(t[n - 3], t[n - 2], t[n - 1], t[n - 1]));
  return out;
}
