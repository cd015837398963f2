/**
 * Model components by name, as studies and analyses write them, and the hooks that ablate them:
 * `L{l}H{h}` (attention head h of layer l: its `hook_z`), `L{l}N{i}` (neuron i of layer l's MLP:
 * `mlp.hook_post`), `L{l}MLP` (`hook_mlp_out`) and `L{l}ATTN` (`hook_attn_out`). Zero ablation sets the
 * component to 0; mean ablation to its mean over every position of a set of reference prompts.
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { EditHook, HookedTransformer } from '../model/types.js';
import type { AblationMethod } from './schema.js';

export interface ModelComponent {
  /** The name as written, normalised (`L1H0`). */
  name: string;
  kind: 'head' | 'neuron' | 'mlp' | 'attn';
  layer: number;
  /** The head or the neuron (null for a whole MLP or attention output). */
  index: number | null;
  /** The hook point the ablation edits. */
  hook: string;
}

export const COMPONENT_FORMS = 'L{layer}H{head} (a head), L{layer}N{neuron} (an MLP neuron), L{layer}MLP or L{layer}ATTN';

/** Parses a component name and checks it against the model's layers, heads and MLP width. */
export function parseComponent(raw: string, model: HookedTransformer): ModelComponent {
  const m = /^L(\d+)(?:(H|N)(\d+)|(MLP|ATTN))$/i.exec(raw.trim());
  if (!m) throw new MarrUsageError(`"${raw}" is not a component name; write ${COMPONENT_FORMS}`);
  const layer = Number(m[1]);
  const { nLayers, nHeads, dMlp } = model.config;
  if (layer >= nLayers) throw new MarrUsageError(`component ${raw}: the model has layers 0..${nLayers - 1}`);
  if (m[4]) {
    const whole = m[4].toUpperCase() as 'MLP' | 'ATTN';
    return whole === 'MLP'
      ? { name: `L${layer}MLP`, kind: 'mlp', layer, index: null, hook: `blocks.${layer}.hook_mlp_out` }
      : { name: `L${layer}ATTN`, kind: 'attn', layer, index: null, hook: `blocks.${layer}.hook_attn_out` };
  }
  const index = Number(m[3]);
  if (m[2].toUpperCase() === 'H') {
    if (index >= nHeads) throw new MarrUsageError(`component ${raw}: layer ${layer} has heads 0..${nHeads - 1}`);
    return { name: `L${layer}H${index}`, kind: 'head', layer, index, hook: `blocks.${layer}.attn.hook_z` };
  }
  if (dMlp === undefined || dMlp <= 0) throw new MarrUsageError(`component ${raw}: the model has no MLP neurons`);
  if (index >= dMlp) throw new MarrUsageError(`component ${raw}: layer ${layer}'s MLP has neurons 0..${dMlp - 1}`);
  return { name: `L${layer}N${index}`, kind: 'neuron', layer, index, hook: `blocks.${layer}.mlp.hook_post` };
}

/** The trailing elements of one position of a hook ([pos, ...rest] → product of rest), from a run's value. */
function rowWidth(shape: readonly number[]): number {
  // Activations are [batch, pos, ...]; everything after pos is one position's row.
  return shape.slice(2).reduce((a, b) => a * b, 1);
}

/** Per hook: the mean of one position's row over every position of every prompt. */
export async function componentMeans(
  model: HookedTransformer,
  prompts: readonly (readonly number[])[],
  hooks: readonly string[],
): Promise<Map<string, Float64Array>> {
  const sums = new Map<string, { sum: Float64Array; rows: number }>();
  for (const tokens of prompts) {
    const { cache } = await model.runWithCache([tokens], { cache: [...hooks], returnLogits: false });
    for (const hook of hooks) {
      const t = cache.get(hook);
      const width = rowWidth(t.shape);
      let entry = sums.get(hook);
      if (!entry) sums.set(hook, (entry = { sum: new Float64Array(width), rows: 0 }));
      const data = t.data;
      for (let r = 0; r < data.length / width; r++) {
        for (let j = 0; j < width; j++) entry.sum[j] += data[r * width + j];
        entry.rows++;
      }
    }
  }
  const out = new Map<string, Float64Array>();
  for (const [hook, { sum, rows }] of sums) out.set(hook, sum.map((s) => s / rows));
  return out;
}

/**
 * Edit hooks that ablate the components: one per component (heads through the hook's head restriction,
 * neurons by their index on the last axis, whole outputs entirely), to 0 or to `means` (from componentMeans).
 */
export function ablationHooks(
  components: readonly ModelComponent[],
  method: AblationMethod,
  means?: ReadonlyMap<string, Float64Array>,
): EditHook[] {
  return components.map((c) => {
    const mean = method === 'mean' ? means?.get(c.hook) : undefined;
    if (method === 'mean' && !mean) throw new Error(`ablationHooks: no mean for ${c.hook}`);
    const valueAt = (j: number) => (mean ? mean[j] : 0);
    if (c.kind === 'neuron') {
      const i = c.index!;
      return {
        name: c.hook,
        edit: (t) => {
          const n = t.shape[t.shape.length - 1];
          for (let k = i; k < t.data.length; k += n) t.data[k] = valueAt(i);
        },
      };
    }
    // Heads: the whole row is rewritten, and the hook's head restriction keeps every other head's value.
    const hook: EditHook = {
      name: c.hook,
      edit: (t) => {
        const width = rowWidth(t.shape);
        for (let k = 0; k < t.data.length; k++) t.data[k] = valueAt(k % width);
      },
    };
    return c.kind === 'head' ? { ...hook, heads: [c.index!] } : hook;
  });
}
