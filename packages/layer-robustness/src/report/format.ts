/** Number formatting for report tables and summaries. */
export function fmt(x: number | null, digits = 3): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  if (x !== 0 && (Math.abs(x) < 10 ** -digits || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return x.toFixed(digits);
}

export function pct(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}
