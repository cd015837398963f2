/** Number formatting for summaries and tables. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x !== 0 && (Math.abs(x) < 10 ** -digits || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return x.toFixed(digits);
}

export const percent = (x: number, digits = 0): string => `${(100 * x).toFixed(digits)}%`;
