export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  return Number(x.toFixed(digits)).toString();
}

export const pct = (x: number) => `${fmt(x, 1)}%`;
