/**
 * Variance-reduction explanations (authors' analysis/heuristic_explanation.py): for a binary feature that
 * splits the positions into k = true/false, VR = (Var - sum_k p_k Var_k) / Var, the share of a neuron's
 * activation variance the feature explains. From grouped float64 sums (count, sum x, sum x^2 per group);
 * variances are population variances (the authors' pandas .var() divides by n - 1, a difference of
 * order 1/n). For a categorical feature (position), the same formula over all its values (the
 * correlation ratio eta^2).
 */

/** Population variance from a count and the sums of x and x^2. */
function variance(n: number, s: number, q: number): number {
  return n > 0 ? Math.max(0, q / n - (s / n) ** 2) : 0;
}

export interface BestFeature {
  /** The group (token id) whose binary feature "key == group" explains the most variance, or -1. */
  group: number;
  reduction: number;
}

/**
 * For neuron `i` (of `rows`), the best binary feature "key == g" over the groups g, given the total
 * sums (n, s, q) and the grouped ones ([groups] counts, [groups, rows] sums and squares).
 */
export function bestBinaryFeature(
  i: number, rows: number, n: number, s: number, q: number,
  counts: Float64Array, sums: Float64Array, squares: Float64Array,
): BestFeature {
  const total = variance(n, s, q);
  let best: BestFeature = { group: -1, reduction: 0 };
  if (!(total > 0)) return best;
  for (let g = 0; g < counts.length; g++) {
    const nt = counts[g];
    if (nt === 0 || nt >= n) continue;
    const st = sums[g * rows + i], qt = squares[g * rows + i];
    const split = (nt / n) * variance(nt, st, qt) + ((n - nt) / n) * variance(n - nt, s - st, q - qt);
    const r = (total - split) / total;
    if (r > best.reduction) best = { group: g, reduction: r };
  }
  return best;
}

/** The share of neuron i's variance explained by the categorical feature (all groups at once). */
export function categoricalReduction(
  i: number, rows: number, n: number, s: number, q: number,
  counts: Float64Array, sums: Float64Array, squares: Float64Array,
): number {
  const total = variance(n, s, q);
  if (!(total > 0)) return 0;
  let split = 0;
  for (let g = 0; g < counts.length; g++) {
    const nt = counts[g];
    if (nt > 0) split += (nt / n) * variance(nt, sums[g * rows + i], squares[g * rows + i]);
  }
  return Math.max(0, (total - split) / total);
}
