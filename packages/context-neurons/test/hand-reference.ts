/**
 * The four runs written out by hand, hook by hook, for one sequence: the neuron set to `value` by an edit
 * hook, the later components' outputs saved by observe hooks and written back by edit hooks, and the
 * next-token loss by a plain log-sum-exp in float64.
 */
import type { Hook, HookedTransformer } from '@marr/core';

function lossAt(logits: Float32Array, V: number, s: number, next: number): number {
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[s * V + v]);
  return Math.log(sum) - logits[s * V + next];
}

export async function byHand(model: HookedTransformer, seq: number[], layer: number, neuron: number, value: number) {
  const V = model.config.dVocab, dMlp = model.config.dMlp;
  const later = Array.from({ length: model.config.nLayers - layer - 1 }, (_, i) => layer + 1 + i).flatMap((l) => [`blocks.${l}.hook_attn_out`, `blocks.${l}.hook_mlp_out`]);
  const ablateHook: Hook = { name: `blocks.${layer}.mlp.hook_post`, edit: (t) => { for (let p = 0; p < seq.length; p++) t.data[p * dMlp + neuron] = value; } };
  const saved = (into: Map<string, Float32Array>): Hook[] => later.map((name) => ({ name, observe: (t) => void into.set(name, Float32Array.from(t.data)) }));
  const from = (src: Map<string, Float32Array>): Hook[] => later.map((name) => ({ name, edit: (t) => { for (let i = 0; i < t.data.length; i++) t.data[i] = src.get(name)![i]; } }));
  const cleanActs = new Map<string, Float32Array>(), ablatedActs = new Map<string, Float32Array>();
  const clean = (await model.run(seq, { hooks: saved(cleanActs) })).logits!.data;
  const total = (await model.run(seq, { hooks: [ablateHook, ...saved(ablatedActs)] })).logits!.data;
  const indirectRemoved = (await model.run(seq, { hooks: from(ablatedActs) })).logits!.data;
  const directOnly = (await model.run(seq, { hooks: [ablateHook, ...from(cleanActs)] })).logits!.data;
  const per = (l: Float32Array) => Array.from({ length: seq.length - 1 }, (_, s) => lossAt(l, V, s, seq[s + 1]));
  return { clean: per(clean), total: per(total), indirectRemoved: per(indirectRemoved), directOnly: per(directOnly) };
}

