/**
 * A unigram counts file (`--input counts=<file>`): a JSON array of counts indexed by token id, or a text
 * file with one count per line (line i: token id i - 1). Counts must be finite and non-negative; the
 * analysis checks that there is one per vocabulary entry.
 */
import { readFile } from 'node:fs/promises';
import { defineInputKind, MarrUsageError } from '@marr/core';

export function parseCounts(text: string, path: string): Float64Array {
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      values = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      throw new MarrUsageError(`${path}: not valid JSON (${(err as Error).message}); write the counts as a JSON array of numbers, or one number per line`);
    }
    if (!Array.isArray(values)) throw new MarrUsageError(`${path}: expected a JSON array of counts`);
  } else {
    values = trimmed.split(/\r?\n/).map((l) => l.trim());
  }
  const out = new Float64Array(values.length);
  values.forEach((v, i) => {
    const x = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
    if (!Number.isFinite(x) || x < 0) {
      throw new MarrUsageError(`${path}: entry ${i + 1} (token id ${i}) is ${JSON.stringify(v)}, not a non-negative count; give one count per token id`);
    }
    out[i] = x;
  });
  if (out.length === 0) throw new MarrUsageError(`${path}: no counts; give one count per token id`);
  return out;
}

export const unigramCountsKind = defineInputKind<Float64Array>({
  id: 'unigram-counts',
  description: 'token counts indexed by token id: a JSON array, or one number per line',
  load: async (path) => parseCounts(await readFile(path, 'utf8'), path),
});
