/**
 * The four runs of the authors' utils.get_context_effect, per sequence and position, on next-token loss:
 *
 * - `clean`: the model as it is;
 * - `total`: the neuron set to `value` (its mean English activation) at every position;
 * - `indirectRemoved`: the neuron clean, every later layer's hook_attn_out and hook_mlp_out taken from
 *   the `total` run, so the neuron's effect can reach the output only straight through the residual
 *   stream (the authors call this run "direct effect");
 * - `directOnly`: the neuron ablated, every later layer's outputs taken from the clean run, so the
 *   ablation reaches the output only through the direct path (the authors' "indirect effect").
 *
 * Loss increases over `clean`: total is what ablation costs; indirectRemoved - clean is the part carried
 * by later components; directOnly - clean the part carried by the neuron's own output. Sequences run in
 * batches of equal length through core's `batches`.
 */
import { batches, type Float32Tensor, type Hook, type HookedTransformer, type Progress } from '@marr/core';
import { tokenLosses } from './token-losses.js';

export interface ContextNeuron {
  layer: number;
  neuron: number;
  /** The activation the ablation writes at every position. */
  value: number;
}

export interface ContextEffect {
  clean: Float64Array[];
  total: Float64Array[];
  indirectRemoved: Float64Array[];
  directOnly: Float64Array[];
}

export const EFFECT_RUNS = ['clean', 'total', 'indirectRemoved', 'directOnly'] as const;
export type EffectRun = (typeof EFFECT_RUNS)[number];

/** Every later layer's attention and MLP outputs (the authors' downstream_components). */
export function downstreamComponents(model: HookedTransformer, layer: number): string[] {
  const out: string[] = [];
  for (let l = layer + 1; l < model.config.nLayers; l++) out.push(`blocks.${l}.hook_attn_out`, `blocks.${l}.hook_mlp_out`);
  return out;
}

/** The edit hook that sets one neuron to `value` at every position. */
export function ablationHook(model: HookedTransformer, target: ContextNeuron): Hook {
  const width = model.config.dMlp;
  return {
    name: `blocks.${target.layer}.mlp.hook_post`,
    edit: (t) => {
      for (let i = target.neuron; i < t.data.length; i += width) t.data[i] = target.value;
    },
  };
}

function replaceWith(name: string, cached: Float32Tensor): Hook {
  return {
    name,
    edit: (t) => {
      t.data.set(cached.data);
    },
  };
}

export interface ContextEffectOptions {
  batchSize: number;
  /** Later components to patch (default: every later layer's attn and MLP outputs). */
  downstream?: readonly string[];
  signal?: AbortSignal;
  progress?: Progress;
  label?: string;
}

export async function contextEffect(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  target: ContextNeuron,
  options: ContextEffectOptions,
): Promise<ContextEffect> {
  const downstream = options.downstream ?? downstreamComponents(model, target.layer);
  const ablate = ablationHook(model, target);
  // Equal-length groups keep every batch rectangular (no padding) in input order.
  const order = sequences.map((_, i) => i).sort((a, b) => sequences[a].length - sequences[b].length || a - b);
  const groups: number[][] = [];
  for (const i of order) {
    const last = groups[groups.length - 1];
    if (last && last.length < options.batchSize && sequences[last[0]].length === sequences[i].length) last.push(i);
    else groups.push([i]);
  }
  const slots: Record<EffectRun, Float64Array[]> = { clean: [], total: [], indirectRemoved: [], directOnly: [] };
  for await (const { items } of batches(groups, { size: 1, signal: options.signal, progress: options.progress, label: options.label ?? 'context effect' })) {
    const ids = items[0];
    const tokens = ids.map((i) => sequences[i]);
    const clean = await model.runWithCache(tokens, { cache: downstream });
    const ablated = await model.runWithCache(tokens, { hooks: [ablate], cache: downstream });
    const indirectRemoved = await model.run(tokens, { hooks: downstream.map((n) => replaceWith(n, ablated.cache.get(n))) });
    const directOnly = await model.run(tokens, { hooks: [ablate, ...downstream.map((n) => replaceWith(n, clean.cache.get(n)))] });
    const losses: Record<EffectRun, Float64Array[]> = {
      clean: tokenLosses(clean.logits!, tokens),
      total: tokenLosses(ablated.logits!, tokens),
      indirectRemoved: tokenLosses(indirectRemoved.logits!, tokens),
      directOnly: tokenLosses(directOnly.logits!, tokens),
    };
    for (const run of EFFECT_RUNS) ids.forEach((i, b) => (slots[run][i] = losses[run][b]));
  }
  return slots;
}

/** Loss of the model with the neuron ablated and without, nothing else (for the English loss table). */
export async function ablationLosses(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  target: ContextNeuron,
  options: Omit<ContextEffectOptions, 'downstream'>,
): Promise<{ clean: Float64Array[]; ablated: Float64Array[] }> {
  const ablate = ablationHook(model, target);
  const clean: Float64Array[] = [];
  const ablated: Float64Array[] = [];
  for await (const { items } of batches(sequences, { size: options.batchSize, signal: options.signal, progress: options.progress, label: options.label ?? 'ablation' })) {
    if (new Set(items.map((s) => s.length)).size > 1) throw new Error('ablationLosses: sequences of a batch must have one length');
    const a = await model.run(items, {});
    const b = await model.run(items, { hooks: [ablate] });
    clean.push(...tokenLosses(a.logits!, items));
    ablated.push(...tokenLosses(b.logits!, items));
  }
  return { clean, ablated };
}
