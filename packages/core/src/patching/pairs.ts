/**
 * Clean/corrupted prompt pairs and the baseline runs every patching study starts from: both prompts
 * of every pair in one batch (per length), with the activations the patches will copy cached.
 */
import type { HookedTransformer } from '../model/types.js';
import type { PatchingMetric } from './metrics.js';
import { runPatchedRows } from './patched-rows.js';

export type TokenSequences = readonly number[] | readonly (readonly number[])[];

export interface PromptPairs {
  clean: (readonly number[])[];
  corrupted: (readonly number[])[];
}

/** One pair or a list of pairs; each clean prompt must have as many tokens as its corrupted one. */
export function promptPairs(clean: TokenSequences, corrupted: TokenSequences): PromptPairs {
  const asRows = (x: TokenSequences): (readonly number[])[] =>
    x.length > 0 && Array.isArray(x[0]) ? [...(x as readonly (readonly number[])[])] : [x as readonly number[]];
  const c = asRows(clean), k = asRows(corrupted);
  if (c.length === 0) throw new RangeError('patching: no prompt pairs given');
  if (c.length !== k.length) throw new RangeError(`patching: ${c.length} clean prompts but ${k.length} corrupted ones; give one corrupted prompt per clean prompt`);
  c.forEach((row, i) => {
    if (row.length === 0) throw new RangeError(`patching: pair ${i} has an empty clean prompt`);
    if (row.length !== k[i].length) {
      throw new RangeError(`patching: pair ${i}: the clean prompt has ${row.length} tokens but the corrupted one has ${k[i].length}; patching needs prompts of the same length`);
    }
  });
  return { clean: c, corrupted: k };
}

/** Per pair: its metric and cached activations, for the clean and the corrupted prompt. */
export interface Baselines {
  clean: { metric: number[]; cache: Map<string, Float32Array>[] };
  corrupted: { metric: number[]; cache: Map<string, Float32Array>[] };
}

/** Runs every clean and corrupted prompt (batched together where lengths agree), caching `names`. */
export async function runBaselines(
  model: HookedTransformer,
  pairs: PromptPairs,
  metric: PatchingMetric,
  names: readonly string[],
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<Baselines> {
  const P = pairs.clean.length;
  const rows = [...pairs.clean, ...pairs.corrupted].map((tokens) => ({ tokens, patches: [] }));
  const out = await runPatchedRows(model, rows, { batchSize: options.batchSize ?? Math.max(2, 16), cache: names, signal: options.signal });
  const part = (offset: number) => ({
    metric: out.slice(offset, offset + P).map((o, i) => metric.evaluate(o.lastLogits, i)),
    cache: out.slice(offset, offset + P).map((o) => o.cache),
  });
  return { clean: part(0), corrupted: part(P) };
}

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** (value - corrupted) / (clean - corrupted): 0 = corrupted, 1 = clean; NaN when they coincide. */
export function normalise(value: number, clean: number, corrupted: number): number {
  const span = clean - corrupted;
  return span === 0 ? Number.NaN : (value - corrupted) / span;
}
