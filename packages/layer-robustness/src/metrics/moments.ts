/**
 * Population moments of a vector (mean, variance, skew, kurtosis), as the paper's neuron counter
 * computes them: variance divides by n, skew = E[z^3], kurtosis = E[z^4] (not excess: a Gaussian has 3).
 */

export interface Moments {
  mean: number;
  variance: number;
  skew: number;
  kurtosis: number;
}

/** Moments of `values[offset .. offset + length)`. A constant vector has skew 0 and kurtosis 0. */
export function moments(values: ArrayLike<number>, offset = 0, length = values.length - offset): Moments {
  if (length <= 0) throw new RangeError('moments: need at least one value');
  let s = 0;
  for (let i = 0; i < length; i++) s += values[offset + i];
  const mean = s / length;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < length; i++) {
    const d = values[offset + i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= length;
  m3 /= length;
  m4 /= length;
  if (m2 === 0) return { mean, variance: 0, skew: 0, kurtosis: 0 };
  return { mean, variance: m2, skew: m3 / Math.pow(m2, 1.5), kurtosis: m4 / (m2 * m2) };
}
