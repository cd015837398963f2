/**
 * Space and time neurons by their weights (the authors' analysis/weight_composition.py): the cosine
 * between the probe direction (one per target, in the residual stream the probe reads) and each
 * neuron's input weights (a column of W_in, and of W_gate for gated MLPs: what the neuron reads from the
 * residual stream) and output weights (a row of W_out: what it writes), over every layer. A seeded random
 * direction scored against the same weights is the baseline: the largest |cosine| chance reaches.
 */
import type { HookedTransformer, Rng } from '@marr/core';

export type NeuronWeight = 'W_in' | 'W_gate' | 'W_out';

export interface AlignedNeuron {
  target: string;
  weight: NeuronWeight;
  layer: number;
  neuron: number;
  cosine: number;
}

export interface WeightAlignment {
  top: AlignedNeuron[];
  /** Largest |cosine| of a seeded random unit direction against each weight (over all neurons and layers). */
  chance: { weight: NeuronWeight; maxAbsCosine: number }[];
}

function unit(v: ArrayLike<number>): Float64Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const norm = Math.sqrt(s) || 1;
  return Float64Array.from(v, (x) => x / norm);
}

/** |cos| of `direction` with every neuron's vector of weight `w`, for every layer: [layer][neuron]. */
export function neuronCosines(model: HookedTransformer, weight: NeuronWeight, direction: ArrayLike<number>): Float64Array[] {
  const { nLayers, dModel: d, dMlp: f } = model.config;
  const u = unit(direction);
  const out: Float64Array[] = [];
  for (let l = 0; l < nLayers; l++) {
    const w = model.weights.get(`blocks.${l}.mlp.${weight}`);
    if (!w) throw new Error(`the model has no blocks.${l}.mlp.${weight}`);
    const cos = new Float64Array(f);
    for (let n = 0; n < f; n++) {
      let dot = 0, norm = 0;
      for (let k = 0; k < d; k++) {
        // W_in, W_gate: [d, f] (column n); W_out: [f, d] (row n)
        const v = weight === 'W_out' ? w.data[n * d + k] : w.data[k * f + n];
        dot += v * u[k];
        norm += v * v;
      }
      cos[n] = norm > 0 ? dot / Math.sqrt(norm) : 0;
    }
    out.push(cos);
  }
  return out;
}

export function weightAlignment(model: HookedTransformer, directions: readonly { target: string; direction: ArrayLike<number> }[], top: number, rng: Rng): WeightAlignment {
  const weights: NeuronWeight[] = model.config.gatedMlp ? ['W_in', 'W_gate', 'W_out'] : ['W_in', 'W_out'];
  const rows: AlignedNeuron[] = [];
  for (const { target, direction } of directions) {
    for (const weight of weights) {
      const all: AlignedNeuron[] = [];
      neuronCosines(model, weight, direction).forEach((cos, layer) => cos.forEach((cosine, neuron) => all.push({ target, weight, layer, neuron, cosine })));
      all.sort((a, b) => Math.abs(b.cosine) - Math.abs(a.cosine) || a.layer - b.layer || a.neuron - b.neuron);
      rows.push(...all.slice(0, top));
    }
  }
  const random = Array.from({ length: model.config.dModel }, () => rng.normal());
  const chance = weights.map((weight) => ({
    weight,
    maxAbsCosine: Math.max(...neuronCosines(model, weight, random).map((c) => Math.max(...Array.from(c, Math.abs)))),
  }));
  return { top: rows, chance };
}
