/** Number and text formatting shared by the renderers. */

/** A number with `digits` significant digits, without trailing zeros; exponent form when very large/small. */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(digits)));
}

/**
 * Makes a string safe to print on a terminal: control characters (including ESC, which could move the
 * cursor or recolour the terminal when a token string contains it) become visible `\uXXXX` escapes.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** terminalSafe for one line (a table cell, a listing): newlines and tabs become visible too. */
export function terminalSafeLine(text: string): string {
  return terminalSafe(text).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}
