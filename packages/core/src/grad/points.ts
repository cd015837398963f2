/**
 * Hook points of the differentiable forward: forward hooks go through core's `HookRegistry` (so observe
 * and edit hooks, position/head restrictions and cache filters behave exactly as in `run()`), and the
 * backward step recorded at each point
 * - reads the gradient of the value leaving the hook (after edits) — what `grads` reports and grad hooks see;
 * - lets grad hooks replace it;
 * - passes it on to the value entering the hook, except at elements an edit changed (constants).
 */
import type { HookRegistry } from '../model/hook-registry.js';
import type { GradHook, HookContext } from '../model/types.js';
import { indexed } from '../tensor/indexing.js';
import type { Float32Tensor } from '../tensor/tensor.js';
import type { FloatArray } from './kernels.js';
import type { Tape } from './tape.js';

export interface PointPlace {
  slot: number | null;
  layer: number | null;
}

/** A tensor over kernel data (Float64Array data in float64 runs, typed as float32 for hooks and caches). */
export function asTensor(shape: readonly number[], data: FloatArray): Float32Tensor {
  return { dtype: 'float32', shape: [...shape], data: data as Float32Array };
}

export class GradPoints {
  /** The value leaving each hook point (after edits), by name. */
  readonly values = new Map<string, { data: FloatArray; shape: number[] }>();
  /** Gradients captured for the hook points in `wrt`, by name. */
  readonly grads = new Map<string, FloatArray>();
  /** The lowest tape index the backward must reach (the earliest point or weight a gradient is wanted for). */
  stopAt = Infinity;

  constructor(
    private readonly tape: Tape,
    private readonly hooks: HookRegistry,
    private readonly gradHooks: ReadonlyMap<string, readonly GradHook[]>,
    private readonly wrt: ReadonlySet<string>,
  ) {}

  /** Whether anything reads the value at `name` (a hook, the cache, a gradient): optional values must be materialised. */
  wanted(name: string): boolean {
    return this.hooks.wants(name) || this.wrt.has(name) || this.gradHooks.has(name);
  }

  /** Marks a tape step as needed (it produces a wanted weight gradient). */
  need(stepIndex: number): void {
    this.stopAt = Math.min(this.stopAt, stepIndex);
  }

  async point(name: string, value: FloatArray, shape: readonly number[], at: PointPlace): Promise<FloatArray> {
    const k = this.tape.kernels;
    const given = asTensor(shape, value);
    const out = await this.hooks.point(name, given, at);
    let v = value;
    let changed: Uint8Array | null = null;
    if (out !== given) {
      // an edit: keep our own copy (the hook may have returned a tensor it also uses elsewhere)
      v = k.alloc(value.length);
      v.set(out.data);
      changed = new Uint8Array(value.length);
      for (let i = 0; i < v.length; i++) if (!Object.is(v[i], value[i])) changed[i] = 1;
    }
    this.values.set(name, { data: v, shape: [...shape] });
    const hooks = this.gradHooks.get(name);
    const want = this.wrt.has(name);
    if (!changed && !hooks && !want) return v;
    const idx = this.tape.record(async () => {
      let g = this.tape.grad(v);
      if (want) this.grads.set(name, g ? g.slice() : k.alloc(v.length));
      if (hooks) {
        const ctx: HookContext = { name, slot: at.slot, layer: at.layer, tokenOffset: 0 };
        let cur = g ?? k.alloc(v.length);
        for (const h of hooks) {
          const copy = indexed(asTensor(shape, cur.slice()));
          const r = (await h.grad(copy, ctx)) ?? copy;
          if (!r || r.shape.length !== shape.length || r.shape.some((d, i) => d !== shape[i])) {
            throw new RangeError(`grad hook "${name}" returned shape [${r?.shape?.join(', ')}] but the gradient has shape [${shape.join(', ')}]; return a tensor of the same shape (or nothing)`);
          }
          const next = k.alloc(v.length);
          next.set(r.data);
          cur = next;
        }
        g = cur;
        if (!changed) this.tape.setGrad(v, g);
      }
      if (changed && g) {
        const through = g.slice();
        for (let i = 0; i < through.length; i++) if (changed[i]) through[i] = 0;
        this.tape.accumulate(value, through, true);
      }
    });
    if (want || hooks) this.need(idx);
    return v;
  }
}

