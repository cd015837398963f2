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
  private readonly hooks = new Map<string, Hook['fn'][]>();
  private readonly keep: (name: string) => boolean;
  readonly cache = new ActivationCacheMap();

  constructor(hooks: readonly Hook[], filter: CacheFilter | undefined, valid: readonly string[]) {
    const validSet = new Set(valid);
    for (const h of hooks) {
      if (!validSet.has(h.name)) throw unknownNameError('hook point', h.name, valid, '(model.hookPoints() lists them all)');
      if (typeof h.fn !== 'function') throw new Error(`hook "${h.name}": fn must be a function`);
      const list = this.hooks.get(h.name) ?? [];
      list.push(h.fn);
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
    const fns = this.hooks.get(name);
    if (fns) {
      for (const fn of fns) {
        const out = fn(clone(v), { name, ...ctx });
        if (out !== undefined && out !== null) {
          if (out.dtype !== 'float32' || out.shape.length !== v.shape.length || out.shape.some((d, i) => d !== v.shape[i])) {
            throw new RangeError(`hook "${name}" returned shape [${out.shape}] but the activation has shape [${v.shape}]; return a tensor of the same shape`);
          }
          v = out;
        }
      }
    }
    if (this.keep(name)) this.cache.set(name, v);
    return v;
  }
}
