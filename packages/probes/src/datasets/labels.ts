/**
 * Turning raw labels (strings, numbers, booleans from JSONL or CSV) into the binary labels a probe
 * needs: the positive class is named, or inferred when the labels are already 0/1 or true/false.
 */
export type RawLabel = string | number | boolean;

const TRUE_LIKE = new Set(['1', 'true', 'yes']);
const FALSE_LIKE = new Set(['0', 'false', 'no']);

/** The distinct label values, as strings, sorted. */
export function labelValues(raw: readonly RawLabel[]): string[] {
  return [...new Set(raw.map(String))].sort();
}

/** Picks the positive class: `positive` when given, else "1"/"true"/"yes" for boolean-like labels. */
export function positiveClass(raw: readonly RawLabel[], positive?: string): string {
  const values = labelValues(raw);
  if (positive !== undefined && positive !== '') {
    if (!values.includes(positive)) throw new Error(`positive class "${positive}" is not among the labels (${values.join(', ')}); set positive to one of them`);
    return positive;
  }
  if (values.length !== 2) {
    throw new Error(`the labels have ${values.length} distinct values (${values.slice(0, 8).join(', ')}); set positive=<value> to probe one against the rest`);
  }
  const lower = values.map((v) => v.toLowerCase());
  if (lower.every((v) => TRUE_LIKE.has(v) || FALSE_LIKE.has(v))) return values[lower.findIndex((v) => TRUE_LIKE.has(v))];
  throw new Error(`the labels are "${values[0]}" and "${values[1]}"; set positive=<value> to say which is the feature`);
}

export function binarize(raw: readonly RawLabel[], positive: string): Uint8Array {
  return Uint8Array.from(raw, (v) => (String(v) === positive ? 1 : 0));
}
