/** How well one grid predicts another, cell by cell: Pearson and Spearman correlations and the error. */

/** Pearson's r of two equally long lists; null when either is constant (r undefined) or shorter than 2. */
export function pearson(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new RangeError(`pearson: ${x.length} x values but ${y.length} y values`);
  const n = x.length;
  if (n < 2) return null;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Ranks 1..n, ties sharing their average rank. */
export function ranks(x: readonly number[]): number[] {
  const order = x.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v || a.i - b.i);
  const out = new Array<number>(x.length);
  for (let s = 0; s < order.length; ) {
    let e = s;
    while (e + 1 < order.length && order[e + 1].v === order[s].v) e++;
    const rank = (s + e) / 2 + 1;
    for (let k = s; k <= e; k++) out[order[k].i] = rank;
    s = e + 1;
  }
  return out;
}

/** Spearman's ρ: Pearson's r of the ranks (ties averaged). */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  return pearson(ranks(x), ranks(y));
}

export interface GridAgreement {
  /** Pearson's r over every cell (null when a grid is constant). */
  pearson: number | null;
  spearman: number | null;
  /** Mean and largest |estimate − truth| over cells (in the grids' units). */
  meanAbsoluteError: number;
  maxAbsoluteError: number;
  cells: number;
}

/** Agreement of an estimated grid with the true one, [row][column] each. */
export function gridAgreement(estimate: readonly (readonly number[])[], truth: readonly (readonly number[])[]): GridAgreement {
  const x = truth.flat();
  const y = estimate.flat();
  if (x.length !== y.length) throw new RangeError(`gridAgreement: the grids have ${y.length} and ${x.length} cells`);
  let sum = 0, max = 0;
  x.forEach((t, i) => {
    const e = Math.abs(y[i] - t);
    sum += e;
    max = Math.max(max, e);
  });
  return { pearson: pearson(x, y), spearman: spearman(x, y), meanAbsoluteError: sum / x.length, maxAbsoluteError: max, cells: x.length };
}
