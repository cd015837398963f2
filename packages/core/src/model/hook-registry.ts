/**
 * Applies hooks and fills the activation cache during one forward pass.
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import { clone } from '../tensor/tensor.js';
import type { ActivationCache, CacheFilter, Hook, HookContext } from './types.js';
import { unknownNameError } from './hook-points.js';

export class ActivationCacheMap implements ActivationCache {
  constructor(private readonly entries = new Map<string, Float32Tensor>()) {}
  set(name: string, t: Float32Tensor): void {
    this.entries.set(name, t);
  }
  get(name: string): Float32Tensor {
    const t = this.entries.get(name);
    if (!t) {
      throw unknownNameError('cached activation', name, [...this.entries.keys()], this.entries.size === 0 ? '(nothing was cached: pass cache: true or a list of names)' : '(only names kept by the cache filter are available)');
    }
    return t;
  }
  has(name: string): boolean {
    return this.entries.has(name);
  }
  names(): string[] {
    return [...this.entries.keys()];
  }
}

export class HookRegistry {
  private readonly hooks = new Map<string, Hook[]>();
  private readonly keep: (name: string) => boolean;
  readonly cache = new ActivationCacheMap();

  constructor(hooks: readonly Hook[], filter: CacheFilter | undefined, valid: readonly string[]) {
    const validSet = new Set(valid);
    for (const h of hooks) {
      if (!validSet.has(h.name)) throw unknownNameError('hook point', h.name, valid, '(model.hookPoints() lists them all)');
      if (typeof h.fn !== 'function') throw new Error(`hook "${h.name}": fn must be a function`);
      if (h.heads && !HEAD_AXES.some((s) => h.name.endsWith(s))) {
        throw new Error(`hook "${h.name}": heads can only be selected on attention hook points (hook_q/k/v/z, hook_rot_q/k, hook_attn_scores, hook_pattern)`);
      }
      const list = this.hooks.get(h.name) ?? [];
      list.push(h);
      this.hooks.set(h.name, list);
    }
    if (filter === undefined || filter === false) this.keep = () => false;
    else if (filter === true) this.keep = () => true;
    else if (typeof filter === 'function') this.keep = filter;
    else {
      for (const n of filter) if (!validSet.has(n)) throw unknownNameError('hook point', n, valid, '(model.hookPoints() lists them all)');
      const s = new Set(filter);
      this.keep = (n) => s.has(n);
    }
  }

  /** Whether anything (a hook or the cache) will look at `name`, so optional outputs must be computed. */
  wants(name: string): boolean {
    return this.hooks.has(name) || this.keep(name);
  }

  hasHook(name: string): boolean {
    return this.hooks.has(name);
  }

  /**
   * Passes `value` through the hooks at `name` (each gets its own copy and may return a replacement of
   * the same shape), caches the result when the filter keeps it, and returns it.
   */
  point(name: string, value: Float32Tensor, ctx: Omit<HookContext, 'name'>): Float32Tensor {
    let v = value;
    const hooks = this.hooks.get(name);
    if (hooks) {
      for (const h of hooks) {
        const out = h.fn(clone(v), { name, ...ctx });
        if (out !== undefined && out !== null) {
          if (out.dtype !== 'float32' || out.shape.length !== v.shape.length || out.shape.some((d, i) => d !== v.shape[i])) {
            throw new RangeError(`hook "${name}" returned shape [${out.shape}] but the activation has shape [${v.shape}]; return a tensor of the same shape`);
          }
          v = h.positions || h.heads ? restrictEdit(name, v, out, h.positions, h.heads) : out;
        }
      }
    }
    if (this.keep(name)) this.cache.set(name, v);
    return v;
  }
}

/** Hook points with a head axis, and where the head and position axes are. */
const HEAD_AXES = ['attn.hook_q', 'attn.hook_k', 'attn.hook_v', 'attn.hook_z', 'attn.hook_rot_q', 'attn.hook_rot_k', 'attn.hook_attn_scores', 'attn.hook_pattern'];

function axesOf(name: string): { pos: number; head: number | null } {
  if (name.endsWith('hook_attn_scores') || name.endsWith('hook_pattern')) return { pos: 2, head: 1 };
  if (HEAD_AXES.some((s) => name.endsWith(s))) return { pos: 1, head: 2 };
  return { pos: 1, head: null };
}

/** `edited` where the position and head are selected, `original` elsewhere. */
function restrictEdit(
  name: string,
  original: Float32Tensor,
  edited: Float32Tensor,
  positions: readonly number[] | undefined,
  heads: readonly number[] | undefined,
): Float32Tensor {
  const { pos, head } = axesOf(name);
  const shape = original.shape;
  for (const p of positions ?? []) {
    if (!Number.isInteger(p) || p < 0 || p >= shape[pos]) throw new RangeError(`hook "${name}": position ${p} is outside [0, ${shape[pos]})`);
  }
  for (const h of heads ?? []) {
    if (head === null || !Number.isInteger(h) || h < 0 || h >= shape[head]) throw new RangeError(`hook "${name}": head ${h} is outside [0, ${head === null ? 0 : shape[head]})`);
  }
  const posSet = positions ? new Set(positions) : null;
  const headSet = heads ? new Set(heads) : null;
  const strides: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i];
  }
  const out = original.data.slice();
  for (let i = 0; i < out.length; i++) {
    const p = Math.floor(i / strides[pos]) % shape[pos];
    if (posSet && !posSet.has(p)) continue;
    if (headSet && head !== null && !headSet.has(Math.floor(i / strides[head]) % shape[head])) continue;
    out[i] = edited.data[i];
  }
  return { dtype: 'float32', shape: [...shape], data: out };
}
