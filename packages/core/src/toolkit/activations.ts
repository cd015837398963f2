/**
 * `collectActivations(model, sequences, hookNames, { reduce, positions })`: hook-point activations as
 * row-major float64 matrices, one per hook point. `reduce: 'mean'` gives one row per sequence, the
 * activation averaged over its positions (BOS excluded when the sequence starts with it); `positions`
 * (`[sequence, position]` pairs) gives one row per pair, in the order given. Sequences run in batches of
 * equal length (no padding), through the toolkit's `batches`, so cancellation and progress are the
 * same as everywhere else.
 */
import type { Progress } from '../analysis/protocol.js';
import type { HookedTransformer } from '../model/types.js';
import { batches } from './batches.js';

export interface CollectActivationsOptions {
  /** 'mean': one row per sequence; omit and give `positions` for one row per (sequence, position). */
  reduce?: 'mean';
  positions?: readonly (readonly [number, number])[];
  /** Sequences per forward pass (default 32). */
  batchSize?: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** Progress phase label (default "activations"). */
  label?: string;
}

export interface HookActivationMatrix {
  hookPoint: string;
  /** Layer index parsed from the hook name (`blocks.3.mlp.hook_post` -> 3), or null. */
  layer: number | null;
  rows: number;
  cols: number;
  /** Row-major [rows, cols]. */
  data: Float64Array;
}

export function layerOfHook(hookPoint: string): number | null {
  const m = /^blocks\.(\d+)\./.exec(hookPoint);
  return m ? Number(m[1]) : null;
}

/** Throws naming the first hook point the model does not have. */
export function checkHookNames(model: HookedTransformer, hookNames: readonly string[]): void {
  const valid = new Set(model.hookPoints());
  for (const h of hookNames) {
    if (!valid.has(h)) {
      const examples = model.hookPoints().filter((n) => /^blocks\.\d+\.mlp\.hook_post$/.test(n)).slice(0, 3).join(', ');
      throw new Error(`hook point "${h}" does not exist in this model; use e.g. ${examples} (see marr hooks)`);
    }
  }
}

interface Row {
  seq: number;
  position: number | 'mean';
  row: number;
}

export async function collectActivations(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  hookNames: readonly string[],
  options: CollectActivationsOptions,
): Promise<HookActivationMatrix[]> {
  checkHookNames(model, hookNames);
  let rows: Row[];
  if (options.reduce === 'mean') {
    if (options.positions) throw new Error('collectActivations: give reduce: "mean" or positions, not both');
    for (const [i, s] of sequences.entries()) if (s.length === 0) throw new Error(`collectActivations: sequence ${i} is empty`);
    rows = sequences.map((_, seq) => ({ seq, position: 'mean' as const, row: seq }));
  } else {
    if (!options.positions) throw new Error('collectActivations: give reduce: "mean" or a list of positions');
    rows = options.positions.map(([seq, position], row) => {
      if (!sequences[seq] || position < 0 || position >= sequences[seq].length) {
        throw new Error(`collectActivations: position ${position} of sequence ${seq} does not exist`);
      }
      return { seq, position, row };
    });
  }
  const count = rows.length;
  const bySeq = new Map<number, Row[]>();
  for (const r of rows) bySeq.set(r.seq, [...(bySeq.get(r.seq) ?? []), r]);
  // Equal-length groups of at most batchSize sequences, shortest first.
  const batchSize = options.batchSize ?? 32;
  const ids = [...bySeq.keys()].sort((a, b) => sequences[a].length - sequences[b].length || a - b);
  const groups: number[][] = [];
  for (const id of ids) {
    const last = groups[groups.length - 1];
    if (last && last.length < batchSize && sequences[last[0]].length === sequences[id].length) last.push(id);
    else groups.push([id]);
  }
  const bos = model.tokenizer?.bosTokenId ?? null;
  const outputs = new Map<string, { data: Float64Array; width: number }>();
  for await (const { items } of batches(groups, { size: 1, signal: options.signal, progress: options.progress, label: options.label ?? 'activations' })) {
    const batch = items[0];
    const result = await model.runWithCache(
      batch.map((s) => sequences[s]),
      { cache: [...hookNames], returnLogits: false },
    );
    for (const hook of hookNames) {
      const act = result.cache.get(hook);
      const [, seqLen, width] = act.shape;
      let out = outputs.get(hook);
      if (!out) {
        out = { data: new Float64Array(count * width), width };
        outputs.set(hook, out);
      }
      const dst = out.data;
      batch.forEach((s, b) => {
        for (const r of bySeq.get(s)!) {
          const at = r.row * width;
          if (r.position === 'mean') {
            const first = bos !== null && sequences[s][0] === bos && seqLen > 1 ? 1 : 0;
            for (let t = first; t < seqLen; t++) {
              const src = (b * seqLen + t) * width;
              for (let j = 0; j < width; j++) dst[at + j] += act.data[src + j];
            }
            for (let j = 0; j < width; j++) dst[at + j] /= seqLen - first;
          } else {
            const src = (b * seqLen + r.position) * width;
            for (let j = 0; j < width; j++) dst[at + j] = act.data[src + j];
          }
        }
      });
    }
  }
  return hookNames.map((hook) => {
    const out = outputs.get(hook) ?? { data: new Float64Array(0), width: 0 };
    return { hookPoint: hook, layer: layerOfHook(hook), rows: count, cols: out.width, data: out.data };
  });
}
