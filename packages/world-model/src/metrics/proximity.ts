/**
 * The proximity error of Gurnee & Tegmark: for entity i, the fraction of the other entities j whose
 * prediction lies nearer to i's true value than i's own prediction does, d(true_i, pred_j) <
 * d(true_i, pred_i). It asks only that the predictions keep entities apart in the right order, so it
 * does not punish a probe whose scale is shrunk by regularisation. The authors divide by all n entities
 * (j = i included, which never counts); here the divisor is the n - 1 others, as the definition says.
 */

/** Distance between entity i's true value and entity j's prediction. */
export type TruePredDistance = (i: number, j: number) => number;

/**
 * Proximity error of each entity in `of` against the predictions of the entities in `among` (an entity
 * is never compared with itself). Returns one value per entry of `of`.
 */
export function proximityErrors(of: readonly number[], among: readonly number[], distance: TruePredDistance): Float64Array {
  const out = new Float64Array(of.length);
  of.forEach((i, k) => {
    const own = distance(i, i);
    let nearer = 0, others = 0;
    for (const j of among) {
      if (j === i) continue;
      others++;
      if (distance(i, j) < own) nearer++;
    }
    out[k] = others > 0 ? nearer / others : NaN;
  });
  return out;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length > 0 ? s / values.length : NaN;
}
