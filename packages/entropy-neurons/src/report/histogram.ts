/** Equal-width histogram bins as a bar figure's categories and counts. */
export function histogram(values: readonly number[], bins: number, lo: number, hi: number): { categories: string[]; counts: number[] } {
  const w = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const i = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / w)));
    counts[i]++;
  }
  const digits = w < 0.1 ? 2 : 1;
  const categories = counts.map((_, i) => `${(lo + i * w).toFixed(digits)}-${(lo + (i + 1) * w).toFixed(digits)}`);
  return { categories, counts };
}
