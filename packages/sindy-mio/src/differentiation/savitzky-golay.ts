/**
 * Savitzky-Golay smoothing with scipy.signal.savgol_filter's defaults (deriv 0, mode 'interp'): inside,
 * each sample is replaced by the value at the window centre of the least-squares polynomial of
 * `polyorder` fitted to the `windowLength` samples around it; in the first and last half-windows the
 * polynomial fitted to the first (last) full window is evaluated instead. Assumes uniform sampling.
 */
import { choleskySolve } from '@marr/sparse-regression';

/** Least-squares polynomial through (positions, values), evaluated at `at` (positions are small integers). */
function polynomialSmoother(positions: number[], polyorder: number): (values: ArrayLike<number>, at: number) => number {
  const m = polyorder + 1;
  const ata = new Float64Array(m * m);
  for (const u of positions) for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) ata[a * m + b] += u ** (a + b);
  return (values, at) => {
    const atb = new Float64Array(m);
    positions.forEach((u, i) => {
      for (let a = 0; a < m; a++) atb[a] += u ** a * values[i];
    });
    const coef = choleskySolve(ata, m, atb);
    if (!coef) throw new Error('savitzkyGolay: singular fit; windowLength must exceed polyorder');
    let v = 0;
    for (let a = 0; a < m; a++) v += coef[a] * at ** a;
    return v;
  };
}

/** Convolution weights giving the smoothed value at the window centre. */
export function savitzkyGolayWeights(windowLength: number, polyorder: number): Float64Array {
  const half = (windowLength - 1) / 2;
  const positions = Array.from({ length: windowLength }, (_, i) => i - half);
  const fit = polynomialSmoother(positions, polyorder);
  const w = new Float64Array(windowLength);
  const e = new Float64Array(windowLength);
  for (let i = 0; i < windowLength; i++) {
    e.fill(0);
    e[i] = 1;
    w[i] = fit(e, 0);
  }
  return w;
}

export interface SavitzkyGolayOptions {
  /** Odd window length (default 11, PySINDy's and the shared reference's choice). */
  windowLength?: number;
  /** Polynomial order (default 3). */
  polyorder?: number;
}

/** Smooths each column of `x` (row-major samples x columns). */
export function savitzkyGolay(x: Float64Array, samples: number, columns: number, options: SavitzkyGolayOptions = {}): Float64Array {
  const windowLength = options.windowLength ?? 11;
  const polyorder = options.polyorder ?? 3;
  if (!Number.isInteger(windowLength) || windowLength % 2 !== 1 || windowLength < 3) {
    throw new Error(`savitzkyGolay: windowLength must be an odd integer >= 3, got ${windowLength}`);
  }
  if (!Number.isInteger(polyorder) || polyorder < 0 || polyorder >= windowLength) {
    throw new Error(`savitzkyGolay: polyorder must be an integer in [0, windowLength), got ${polyorder}`);
  }
  if (samples < windowLength) {
    throw new Error(`savitzkyGolay: ${samples} samples are fewer than the window length ${windowLength}; use a shorter window or plain finite differences`);
  }
  const half = (windowLength - 1) / 2;
  const w = savitzkyGolayWeights(windowLength, polyorder);
  const out = new Float64Array(samples * columns);
  const edge = polynomialSmoother(Array.from({ length: windowLength }, (_, i) => i - half), polyorder);
  const col = new Float64Array(windowLength);
  for (let c = 0; c < columns; c++) {
    for (let i = half; i < samples - half; i++) {
      let s = 0;
      for (let r = 0; r < windowLength; r++) s += w[r] * x[(i - half + r) * columns + c];
      out[i * columns + c] = s;
    }
    for (let r = 0; r < windowLength; r++) col[r] = x[r * columns + c];
    for (let i = 0; i < half; i++) out[i * columns + c] = edge(col, i - half);
    for (let r = 0; r < windowLength; r++) col[r] = x[(samples - windowLength + r) * columns + c];
    for (let i = samples - half; i < samples; i++) out[i * columns + c] = edge(col, i - (samples - windowLength) - half);
  }
  return out;
}
