/**
 * Pearson correlation from running sums (methods.md section 5):
 * r = (Sxy - Sx Sy / n) / sqrt((Sxx - Sx^2 / n) (Syy - Sy^2 / n)), in float64; a neuron that never
 * varies has no correlation, which counts as 0 (as the authors' code sets NaN to 0).
 */

/** The centred sum of squares Sxx - Sx^2 / n (0 when rounding makes it negative). */
export function centredSquares(sum: number, sumSq: number, n: number): number {
  return Math.max(0, sumSq - (sum * sum) / n);
}

export function pearsonFromSums(sxy: number, sx: number, sy: number, cxx: number, cyy: number, n: number): number {
  const denom = Math.sqrt(cxx * cyy);
  if (!(denom > 0) || n === 0) return 0;
  const r = (sxy - (sx * sy) / n) / denom;
  return Number.isFinite(r) ? r : 0;
}

export interface BestMatch {
  /** Per row neuron: the highest correlation with any column neuron. */
  corr: Float64Array;
  /** The column neuron attaining it. */
  index: Int32Array;
}

/**
 * For every row neuron i, the maximum over column neurons j of r(i, j), from the sums of one pair of
 * models: `xy` [rows, cols] row-major, `x`/`xx` the row neurons' sums, `y`/`yy` the column neurons'.
 */
export function maxCorrelations(
  xy: Float64Array,
  x: { sum: Float64Array; sq: Float64Array },
  y: { sum: Float64Array; sq: Float64Array },
  n: number,
): BestMatch {
  const rows = x.sum.length;
  const cols = y.sum.length;
  if (xy.length !== rows * cols) throw new RangeError(`maxCorrelations: xy has ${xy.length} values, expected ${rows} x ${cols}`);
  const cyy = new Float64Array(cols);
  for (let j = 0; j < cols; j++) cyy[j] = centredSquares(y.sum[j], y.sq[j], n);
  const corr = new Float64Array(rows);
  const index = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const cxx = centredSquares(x.sum[i], x.sq[i], n);
    let best = -Infinity;
    let at = 0;
    const base = i * cols;
    for (let j = 0; j < cols; j++) {
      const r = pearsonFromSums(xy[base + j], x.sum[i], y.sum[j], cxx, cyy[j], n);
      if (r > best) {
        best = r;
        at = j;
      }
    }
    corr[i] = cols > 0 ? best : 0;
    index[i] = at;
  }
  return { corr, index };
}
