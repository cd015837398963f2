/**
 * Moments as the authors define them (utils.vector_moments): mean, population variance, skew = E[z^3],
 * kurtosis = E[z^4] (not excess: a Gaussian has 3), z the standardised value.
 */
export interface Moments {
  mean: number;
  variance: number;
  skew: number;
  kurtosis: number;
}

/** Moments of the values of `v` (two-pass, float64). */
export function vectorMoments(v: ArrayLike<number>): Moments {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  const mean = s / n;
  let m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = v[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n; m3 /= n; m4 /= n;
  return { mean, variance: m2, skew: m2 > 0 ? m3 / m2 ** 1.5 : 0, kurtosis: m2 > 0 ? m4 / (m2 * m2) : 0 };
}

/** Moments from the power sums S1..S4 of n values (central moments expanded; float64 sums). */
export function momentsFromPowerSums(n: number, s1: number, s2: number, s3: number, s4: number): Moments {
  if (n === 0) return { mean: 0, variance: 0, skew: 0, kurtosis: 0 };
  const mu = s1 / n;
  const e2 = s2 / n, e3 = s3 / n, e4 = s4 / n;
  const m2 = Math.max(0, e2 - mu * mu);
  const m3 = e3 - 3 * mu * e2 + 2 * mu ** 3;
  const m4 = e4 - 4 * mu * e3 + 6 * mu * mu * e2 - 3 * mu ** 4;
  return { mean: mu, variance: m2, skew: m2 > 0 ? m3 / m2 ** 1.5 : 0, kurtosis: m2 > 0 ? m4 / (m2 * m2) : 0 };
}
