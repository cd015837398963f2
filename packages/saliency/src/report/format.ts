/** Number formatting for summaries and tables. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x !== 0 && (Math.abs(x) < 10 ** -digits || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return x.toFixed(digits);
}

/** A token for a summary or label: control characters as escapes, then quoted. */
export function quoteToken(token: string): string {
  return JSON.stringify(token);
}
