/**
 * Means with standard errors over per-token values, accumulated one value at a time (Welford's
 * update, so long sweeps lose no precision), and the ratio of two paired means with its delta-method
 * standard error (used for accuracy retention = intervened accuracy / original accuracy).
 *
 * Standard errors treat tokens as independent samples, as the paper does; tokens of one window are
 * correlated, so the true uncertainty is somewhat larger.
 */

export interface MeanWithError {
  mean: number;
  /** Sample standard deviation / sqrt(n); 0 when n < 2. */
  stderr: number;
  n: number;
}

/** Running mean and variance of a stream of numbers. */
export class RunningMean {
  private count = 0;
  private m = 0;
  private m2 = 0;

  add(x: number): void {
    this.count++;
    const d = x - this.m;
    this.m += d / this.count;
    this.m2 += d * (x - this.m);
  }

  get n(): number {
    return this.count;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.m;
  }

  /** Unbiased sample variance (n - 1 in the denominator). */
  get variance(): number {
    return this.count < 2 ? 0 : this.m2 / (this.count - 1);
  }

  get stderr(): number {
    return this.count < 2 ? 0 : Math.sqrt(this.variance / this.count);
  }

  result(): MeanWithError {
    return { mean: this.mean, stderr: this.stderr, n: this.count };
  }
}

/** Mean and standard error of a list of numbers. */
export function meanWithStderr(values: ArrayLike<number>): MeanWithError {
  const acc = new RunningMean();
  for (let i = 0; i < values.length; i++) acc.add(values[i]);
  return acc.result();
}

/**
 * Ratio of the means of paired samples, mean(a) / mean(b), with the delta-method standard error
 * sqrt(var(a - R b) / n) / |mean(b)| (the usual ratio-estimator variance, which accounts for the
 * correlation between a and b).
 */
export class RunningRatio {
  private count = 0;
  private ma = 0;
  private mb = 0;
  private caa = 0;
  private cbb = 0;
  private cab = 0;

  add(a: number, b: number): void {
    this.count++;
    const da = a - this.ma;
    const db = b - this.mb;
    this.ma += da / this.count;
    this.mb += db / this.count;
    this.caa += da * (a - this.ma);
    this.cbb += db * (b - this.mb);
    this.cab += da * (b - this.mb);
  }

  get n(): number {
    return this.count;
  }

  /** mean(a) / mean(b); NaN when mean(b) is 0 or nothing was added. */
  get ratio(): number {
    return this.count === 0 || this.mb === 0 ? NaN : this.ma / this.mb;
  }

  get stderr(): number {
    const r = this.ratio;
    if (this.count < 2 || !Number.isFinite(r)) return this.count < 2 && Number.isFinite(r) ? 0 : NaN;
    const k = this.count - 1;
    const varZ = (this.caa - 2 * r * this.cab + r * r * this.cbb) / k;
    return Math.sqrt(Math.max(0, varZ) / this.count) / Math.abs(this.mb);
  }
}
