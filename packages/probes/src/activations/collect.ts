/**
 * Reading MLP activations out of a model for probing: context-level features are the mean of a hook
 * point's activation over a sequence's positions (BOS excluded), token-level features the activation at
 * chosen (sequence, position) pairs. Sequences run in batches of equal length; the result is one
 * float64 matrix per hook point, with neurons named "L{layer}N{neuron}".
 */
import type { HookedTransformer } from '@marr/core';
import { designMatrix, type DesignMatrix } from '@marr/sparse-regression';

export interface HookActivations {
  hookPoint: string;
  /** Layer index parsed from the hook name (`blocks.3.mlp.hook_post` -> 3), or null. */
  layer: number | null;
  x: DesignMatrix;
  names: string[];
}

/** "L3N609" for neuron 609 of layer 3; "<hook>:N609" for hooks outside blocks. */
export function neuronName(hookPoint: string, layer: number | null, neuron: number): string {
  return layer === null ? `${hookPoint}:N${neuron}` : `L${layer}N${neuron}`;
}

export function layerOf(hookPoint: string): number | null {
  const m = /^blocks\.(\d+)\./.exec(hookPoint);
  return m ? Number(m[1]) : null;
}

/** Every layer's `mlp.hook_post`, in order. */
export function defaultProbeHookPoints(model: HookedTransformer): string[] {
  return model.hookPoints().filter((n) => /^blocks\.\d+\.mlp\.hook_post$/.test(n));
}

export function checkHookPoints(model: HookedTransformer, hookPoints: readonly string[]): void {
  const valid = new Set(model.hookPoints());
  for (const h of hookPoints) {
    if (!valid.has(h)) {
      const examples = defaultProbeHookPoints(model).slice(0, 3).join(', ');
      throw new Error(`hook point "${h}" does not exist in this model; probe e.g. ${examples} (see marr hooks)`);
    }
  }
}

interface Selection {
  /** Row of the output for each selected (sequence, position), or a whole-sequence mean. */
  rows: { seq: number; position: number | 'mean'; row: number }[];
  count: number;
}

async function collect(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  hookPoints: readonly string[],
  selection: Selection,
  options: { batchSize?: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void },
): Promise<HookActivations[]> {
  checkHookPoints(model, hookPoints);
  const batchSize = options.batchSize ?? 32;
  const bySeq = new Map<number, Selection['rows']>();
  for (const r of selection.rows) {
    const list = bySeq.get(r.seq) ?? [];
    list.push(r);
    bySeq.set(r.seq, list);
  }
  const seqIds = [...bySeq.keys()].sort((a, b) => sequences[a].length - sequences[b].length || a - b);
  const outputs = new Map<string, { data: Float64Array; width: number }>();
  let done = 0;
  for (let start = 0; start < seqIds.length; ) {
    const len = sequences[seqIds[start]].length;
    const batch: number[] = [];
    while (start < seqIds.length && batch.length < batchSize && sequences[seqIds[start]].length === len) batch.push(seqIds[start++]);
    if (options.signal?.aborted) throw new Error('activation collection was cancelled');
    const result = await model.runWithCache(
      batch.map((s) => sequences[s]),
      { cache: [...hookPoints], returnLogits: false },
    );
    for (const hook of hookPoints) {
      const act = result.cache.get(hook);
      const [, seq, width] = act.shape;
      let out = outputs.get(hook);
      if (!out) {
        out = { data: new Float64Array(selection.count * width), width };
        outputs.set(hook, out);
      }
      batch.forEach((s, b) => {
        for (const r of bySeq.get(s)!) {
          const dst = r.row * width;
          if (r.position === 'mean') {
            const first = model.tokenizer?.bosTokenId !== null && sequences[s][0] === model.tokenizer?.bosTokenId && seq > 1 ? 1 : 0;
            for (let t = first; t < seq; t++) {
              const src = (b * seq + t) * width;
              for (let j = 0; j < width; j++) out!.data[dst + j] += act.data[src + j];
            }
            for (let j = 0; j < width; j++) out!.data[dst + j] /= seq - first;
          } else {
            const src = (b * seq + r.position) * width;
            for (let j = 0; j < width; j++) out!.data[dst + j] = act.data[src + j];
          }
        }
      });
    }
    done += batch.length;
    options.onBatch?.(done, seqIds.length);
  }
  return hookPoints.map((hook) => {
    const out = outputs.get(hook)!;
    const layer = layerOf(hook);
    return {
      hookPoint: hook,
      layer,
      x: designMatrix(selection.count, out.width, out.data),
      names: Array.from({ length: out.width }, (_, j) => neuronName(hook, layer, j)),
    };
  });
}

/** One row per sequence: the activation averaged over its positions (BOS excluded). */
export async function contextActivations(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  hookPoints: readonly string[],
  options: { batchSize?: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void } = {},
): Promise<HookActivations[]> {
  for (const [i, s] of sequences.entries()) if (s.length === 0) throw new Error(`contextActivations: sequence ${i} is empty`);
  const rows = sequences.map((_, seq) => ({ seq, position: 'mean' as const, row: seq }));
  return collect(model, sequences, hookPoints, { rows, count: sequences.length }, options);
}

/** One row per (sequence, position) pair, in the order given. */
export async function tokenActivations(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  positions: readonly (readonly [number, number])[],
  hookPoints: readonly string[],
  options: { batchSize?: number; signal?: AbortSignal; onBatch?: (done: number, total: number) => void } = {},
): Promise<HookActivations[]> {
  const rows = positions.map(([seq, position], row) => {
    if (!sequences[seq] || position < 0 || position >= sequences[seq].length) {
      throw new Error(`tokenActivations: position ${position} of sequence ${seq} does not exist`);
    }
    return { seq, position, row };
  });
  return collect(model, sequences, hookPoints, { rows, count: positions.length }, options);
}
