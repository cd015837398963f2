/**
 * The partial statistics of one shard: float64 running sums that add across shards (moments, cross
 * products, counts) and constants every shard computes identically (what depends only on the models and
 * parameters, e.g. weight statistics), plus the range of work items they cover. Merging adds the sums in
 * the order of the items (a fixed order, so the same shards always merge to the same bits) and checks
 * that the constants agree exactly.
 */
import { MarrUsageError } from '../../analysis/errors.js';
import type { ItemRange } from './shard-selection.js';

export interface PartialArray {
  shape: number[];
  /** Row-major. */
  data: Float64Array;
}

export interface PartialState {
  /** The work items these statistics cover. */
  items: ItemRange;
  /** Added across shards. */
  sums: Record<string, PartialArray>;
  /** The same in every shard; checked equal, not added. */
  constants: Record<string, PartialArray>;
  /** Strings the same in every shard (token strings, names), checked equal; stored in partial.json. */
  text?: Record<string, string[]>;
}

export type PartialRole = 'sum' | 'constant';

/** A zero-filled array of `shape`, or one wrapping `data` (its length must match). */
export function partialArray(shape: readonly number[], data?: Float64Array): PartialArray {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new RangeError(`partialArray: bad shape [${shape.join(', ')}]`);
  if (data && data.length !== size) throw new RangeError(`partialArray: ${data.length} values do not fill shape [${shape.join(', ')}]`);
  return { shape: [...shape], data: data ?? new Float64Array(size) };
}

/** Every array of a state with its role, sums first, each group in name order. */
export function stateArrays(state: PartialState): { name: string; role: PartialRole; array: PartialArray }[] {
  const sorted = (r: Record<string, PartialArray>) => Object.keys(r).sort();
  return [
    ...sorted(state.sums).map((name) => ({ name, role: 'sum' as const, array: state.sums[name] })),
    ...sorted(state.constants).map((name) => ({ name, role: 'constant' as const, array: state.constants[name] })),
  ];
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * Checks that ranges are disjoint and together cover 0..total; returns the order that sorts them by start.
 * `labels` name each range in errors (e.g. the shard folders).
 */
export function checkRangesComplete(ranges: readonly ItemRange[], labels: readonly string[]): number[] {
  if (ranges.length === 0) throw new MarrUsageError('nothing to merge: give the folders of every shard');
  const totals = new Set(ranges.map((r) => r.total));
  if (totals.size > 1) {
    throw new MarrUsageError(`the shards split different numbers of work items (${[...totals].join(' vs ')}): they come from different runs; merge the shards of one run`);
  }
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a].start - ranges[b].start || ranges[a].end - ranges[b].end);
  let at = 0;
  for (const i of order) {
    const r = ranges[i];
    if (r.start < at) throw new MarrUsageError(`${labels[i]} covers items ${r.start}-${r.end}, which overlap items before ${at}; a shard is given twice or the shards are not disjoint`);
    if (r.start > at) throw new MarrUsageError(`items ${at}-${r.start} of ${r.total} are in none of the shards given; add the missing shard's folder`);
    at = r.end;
  }
  const total = ranges[0].total;
  if (at !== total) throw new MarrUsageError(`items ${at}-${total} of ${total} are in none of the shards given; add the missing shard's folder`);
  return order;
}

/**
 * Adds the shards' sums in the order of their item ranges (fixed, so merging is deterministic), after
 * checking the ranges are disjoint and complete, the arrays have the same names and shapes, and every
 * constant is bit-identical.
 */
export function mergeStates(states: readonly PartialState[], labels: readonly string[] = states.map((_, i) => `shard ${i}`)): PartialState {
  const order = checkRangesComplete(states.map((s) => s.items), labels);
  const first = states[order[0]];
  const layout = (s: PartialState) => stateArrays(s).map((a) => `${a.role}:${a.name}[${a.array.shape.join(',')}]`).join(' ');
  for (const i of order) {
    if (layout(states[i]) !== layout(first)) {
      throw new MarrUsageError(`${labels[i]} holds other statistics than ${labels[order[0]]} (${layout(states[i])} vs ${layout(first)}); they were written by different versions or settings`);
    }
    const text = JSON.stringify(sortedText(states[i].text));
    if (text !== JSON.stringify(sortedText(first.text))) {
      throw new MarrUsageError(`${labels[i]} and ${labels[order[0]]} disagree on their text constants (${Object.keys(states[i].text ?? {}).join(', ') || 'none'}): they come from different models or versions`);
    }
    for (const [name, c] of Object.entries(states[i].constants)) {
      if (!sameBits(c.data, first.constants[name].data)) {
        throw new MarrUsageError(`${labels[i]} and ${labels[order[0]]} disagree on ${name}, which every shard of one run computes identically: they come from different models, parameters or versions`);
      }
    }
  }
  const sums: Record<string, PartialArray> = {};
  for (const name of Object.keys(first.sums)) {
    const out = partialArray(first.sums[name].shape);
    for (const i of order) {
      const src = states[i].sums[name];
      if (!sameShape(src.shape, out.shape)) throw new Error(`mergeStates: ${name} shapes differ`);
      const d = out.data;
      const s = src.data;
      for (let k = 0; k < d.length; k++) d[k] += s[k];
    }
    sums[name] = out;
  }
  const constants: Record<string, PartialArray> = {};
  for (const [name, c] of Object.entries(first.constants)) constants[name] = partialArray(c.shape, c.data.slice());
  const merged: PartialState = { items: { start: 0, end: first.items.total, total: first.items.total }, sums, constants };
  if (first.text) merged.text = sortedText(first.text);
  return merged;
}

function sortedText(text: Record<string, string[]> | undefined): Record<string, string[]> {
  return Object.fromEntries(Object.keys(text ?? {}).sort().map((k) => [k, [...text![k]]]));
}
