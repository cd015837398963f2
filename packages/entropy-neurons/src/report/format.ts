/** Number formatting for summaries and tables. */
export function fmt(x: number | null, digits = 3): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  if (x !== 0 && (Math.abs(x) < 10 ** -digits || Math.abs(x) >= 1e5)) return x.toExponential(2);
  return x.toFixed(digits);
}

export function pct(x: number | null, digits = 0): string {
  return x === null || !Number.isFinite(x) ? 'n/a' : `${(100 * x).toFixed(digits)}%`;
}

/** A number rounded for a table cell. */
export function cell(x: number | null, digits = 4): number | null {
  return x === null || !Number.isFinite(x) ? null : Number(x.toPrecision(digits));
}

/** `L.j`, the paper's neuron naming (11.584 is neuron 584 of layer 11). */
export function neuronName(layer: number, neuron: number): string {
  return `${layer}.${neuron}`;
}
