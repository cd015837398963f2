/** JSON has no NaN or Infinity: report them as null. */
export function jsonNumber(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** Evenly spaced indices (at most `max`) for plotting long series. */
export function thinIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const step = (n - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => Math.round(i * step));
}
