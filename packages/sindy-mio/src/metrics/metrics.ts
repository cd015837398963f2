/** How well a discovered model matches the truth and the data. */

export interface SupportCounts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export function supportCounts(estimated: readonly (readonly number[])[], truth: readonly (readonly number[])[]): SupportCounts {
  if (estimated.length !== truth.length) throw new Error(`supportCounts: ${estimated.length} equations vs ${truth.length} in the truth`);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  estimated.forEach((row, i) => {
    if (row.length !== truth[i].length) throw new Error(`supportCounts: equation ${i} has ${row.length} features vs ${truth[i].length} in the truth`);
    row.forEach((c, j) => {
      const e = c !== 0;
      const t = truth[i][j] !== 0;
      if (e && t) tp++;
      else if (e) fp++;
      else if (t) fn++;
    });
  });
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn };
}

/** The paper's true positivity TP / (TP + FP + FN): 1 exactly when the support is recovered. */
export function truePositivity(estimated: readonly (readonly number[])[], truth: readonly (readonly number[])[]): number {
  const c = supportCounts(estimated, truth);
  const denom = c.truePositives + c.falsePositives + c.falseNegatives;
  return denom === 0 ? 1 : c.truePositives / denom;
}

/** ||Xi - Xi_true||_F / ||Xi_true||_F. */
export function coefficientError(estimated: readonly (readonly number[])[], truth: readonly (readonly number[])[]): number {
  let num = 0;
  let den = 0;
  estimated.forEach((row, i) => row.forEach((c, j) => {
    num += (c - truth[i][j]) ** 2;
    den += truth[i][j] ** 2;
  }));
  return Math.sqrt(num / Math.max(den, Number.MIN_VALUE));
}

/** Coefficient of determination of predictions against targets, pooled over all columns (1 - RSS/TSS). */
export function rSquared(predicted: ArrayLike<number>, actual: ArrayLike<number>, columns = 1): number {
  const n = actual.length / columns;
  let rss = 0;
  let tss = 0;
  for (let c = 0; c < columns; c++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += actual[i * columns + c];
    mean /= n;
    for (let i = 0; i < n; i++) {
      rss += (actual[i * columns + c] - predicted[i * columns + c]) ** 2;
      tss += (actual[i * columns + c] - mean) ** 2;
    }
  }
  return 1 - rss / Math.max(tss, Number.MIN_VALUE);
}
