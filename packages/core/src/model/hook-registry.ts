/**
 * Applies hooks and fills the activation cache during one forward pass (or one decoding step).
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import { clone, stridesOf } from '../tensor/tensor.js';
import { indexed } from '../tensor/indexing.js';
import type { ModelConfig } from './config.js';
import type { CacheFilter, Hook, HookContext, HookFn, ObserveFn, OptInGroup } from './types.js';
import { hookPointNames, hookPointSpec, restrictableAxes, unknownNameError, type HookPointSpec } from './hook-points.js';

interface RegisteredHook {
  kind: 'observe' | 'edit';
  fn: HookFn | ObserveFn;
  positions?: readonly number[];
  heads?: readonly number[];
  spec: HookPointSpec;
}

export interface HookRegistryOptions {
  hooks: readonly Hook[];
  cache: CacheFilter | undefined;
  cfg: ModelConfig;
  /** Schedule slots of the run (hook names are valid for these). */
  slots: number;
  optIn?: boolean | readonly OptInGroup[];
}

/** The position in a sequence where the chunk being run starts, and whether later chunks may follow. */
export interface ChunkPlace {
  tokenOffset: number;
  /** True for a decoding step: hook positions outside the chunk are skipped instead of being an error. */
  decoding: boolean;
}

const ALL_GROUPS: readonly OptInGroup[] = ['attnResult', 'splitQkvInput'];

function hookKind(h: Hook): { kind: 'observe' | 'edit'; fn: unknown } {
  const r = h as { observe?: unknown; edit?: unknown; fn?: unknown; grad?: unknown };
  if (r.grad !== undefined) {
    throw new Error(`hook "${h.name}": grad hooks run only in runWithGrad (run, runWithCache and generate compute no gradients); pass it in runWithGrad's hooks`);
  }
  const given = [r.observe !== undefined, r.edit !== undefined, r.fn !== undefined].filter(Boolean).length;
  if (given !== 1) throw new Error(`hook "${h.name}": give exactly one of observe (read only), edit (change the value) or fn (same as edit)`);
  return r.observe !== undefined ? { kind: 'observe', fn: r.observe } : { kind: 'edit', fn: r.edit ?? r.fn };
}

/** Whether a cache filter (true, false, a list of names or a predicate) keeps a hook point's value. */
export function cacheFilterPredicate(filter: CacheFilter | undefined): (name: string) => boolean {
  if (filter === undefined || filter === false) return () => false;
  if (filter === true) return () => true;
  if (typeof filter === 'function') return filter;
  const s = new Set(filter);
  return (n) => s.has(n);
}

export class HookRegistry {
  private readonly hooks = new Map<string, RegisteredHook[]>();
  private readonly keep: (name: string) => boolean;
  /** The opt-in groups this run computes. */
  readonly optIn: ReadonlySet<OptInGroup>;
  readonly cache = new Map<string, Float32Tensor>();
  private place: ChunkPlace = { tokenOffset: 0, decoding: false };
  private readonly editSlots = new Set<number>();

  constructor(opts: HookRegistryOptions) {
    const groups = new Set<OptInGroup>(opts.optIn === true ? ALL_GROUPS : opts.optIn === false || opts.optIn === undefined ? [] : opts.optIn);
    for (const g of groups) if (!ALL_GROUPS.includes(g)) throw unknownNameError('opt-in group', String(g), ALL_GROUPS, '');
    const check = (n: string): HookPointSpec => {
      const found = typeof n === 'string' ? hookPointSpec(n) : null;
      const ok = found && (!found.spec.when || found.spec.when(opts.cfg)) && (found.slot === null || found.slot < opts.slots);
      if (!ok) throw unknownNameError('hook point', String(n), hookPointNames(opts.cfg, opts.slots, true), '(model.hookPoints() lists them all; `marr hooks --model <m>` prints them with their shapes)');
      if (found.spec.optIn) groups.add(found.spec.optIn);
      return found.spec;
    };
    for (const h of opts.hooks) {
      if (!h || typeof h.name !== 'string') throw new Error('hooks: every hook needs a name (a hook point name such as "blocks.0.hook_resid_pre")');
      const spec = check(h.name);
      const { kind, fn } = hookKind(h);
      if (typeof fn !== 'function') throw new Error(`hook "${h.name}": ${kind === 'observe' ? 'observe' : 'edit (or fn)'} must be a function`);
      const r = h as { positions?: readonly number[]; heads?: readonly number[] };
      if (kind === 'observe' && (r.positions || r.heads)) throw new Error(`hook "${h.name}": positions and heads restrict edits; an observe hook sees the whole value`);
      const axes = restrictableAxes(spec);
      if (r.heads && axes.head === null) throw new Error(`hook "${h.name}": heads can only be selected on hook points with a head axis (${['hook_q', 'hook_k', 'hook_v', 'hook_z', 'hook_result', 'hook_pattern', '...'].join(', ')})`);
      for (const p of r.positions ?? []) if (!Number.isInteger(p) || p < 0) throw new RangeError(`hook "${h.name}": position ${p} must be a non-negative integer (an absolute sequence position)`);
      for (const hd of r.heads ?? []) if (!Number.isInteger(hd) || hd < 0) throw new RangeError(`hook "${h.name}": head ${hd} must be a non-negative integer`);
      const list = this.hooks.get(h.name) ?? [];
      list.push({ kind, fn: fn as HookFn, positions: r.positions, heads: r.heads, spec });
      const slot = hookPointSpec(h.name)!.slot;
      if (kind === 'edit') {
        if (slot !== null) this.editSlots.add(slot);
        else if (h.name.startsWith('ln_final.')) this.editSlots.add(-1);
      }
      this.hooks.set(h.name, list);
    }
    const filter = opts.cache;
    if (Array.isArray(filter)) for (const n of filter) check(n);
    this.keep = cacheFilterPredicate(filter);
    this.optIn = groups;
  }

  /** Sets where the next values sit in the whole sequence (called once per forward pass). */
  setPlace(place: ChunkPlace): void {
    this.place = place;
  }

  /** The names that have hooks. */
  hookedNames(): string[] {
    return [...this.hooks.keys()];
  }

  /** Whether an edit hook sits on the final norm's hook points. */
  editsAtFinal(): boolean {
    return this.editSlots.has(-1);
  }

  /** Whether an edit hook sits on a hook point of schedule slot `slot`. */
  editsInSlot(slot: number): boolean {
    return this.editSlots.has(slot);
  }

  /** Whether anything (a hook or the cache) will look at `name`, so optional outputs must be computed. */
  wants(name: string): boolean {
    return this.hooks.has(name) || this.keep(name);
  }

  hasHook(name: string): boolean {
    return this.hooks.has(name);
  }

  /**
   * Passes `value` through the hooks at `name` in the order they were given (observe hooks see the live
   * value; edit hooks get their own copy, changed in place or replaced), caches the result when the
   * filter keeps it, and returns it (the same object when nothing edited it).
   */
  async point(name: string, value: Float32Tensor, at: { slot: number | null; layer: number | null }): Promise<Float32Tensor> {
    let v = value;
    const hooks = this.hooks.get(name);
    if (hooks) {
      const ctx: HookContext = { name, slot: at.slot, layer: at.layer, tokenOffset: this.place.tokenOffset };
      for (const h of hooks) {
        if (h.kind === 'observe') {
          await (h.fn as ObserveFn)(indexed(v), ctx);
          continue;
        }
        const local = this.localPositions(name, h, v);
        if (local && local.length === 0) continue;
        const copy = indexed(clone(v));
        const out = (await (h.fn as HookFn)(copy, ctx)) ?? copy;
        if (out.dtype !== 'float32' || out.shape.length !== v.shape.length || out.shape.some((d, i) => d !== v.shape[i])) {
          throw new RangeError(`hook "${name}" returned shape [${out.shape}] but the activation has shape [${v.shape}] (axes [${h.spec.axes.join(', ')}]); return a tensor of the same shape`);
        }
        v = local || h.heads ? restrictEdit(name, h.spec, v, out, local, h.heads) : out;
      }
    }
    if (this.keep(name)) this.cache.set(name, v);
    return v;
  }

  /** The hook's positions as indices into this chunk's sequence axis (null when unrestricted). */
  private localPositions(name: string, h: RegisteredHook, v: Float32Tensor): number[] | null {
    if (!h.positions) return null;
    const axis = restrictableAxes(h.spec).pos!;
    const len = v.shape[axis];
    const { tokenOffset, decoding } = this.place;
    const local: number[] = [];
    for (const p of h.positions) {
      const i = p - tokenOffset;
      if (i >= 0 && i < len) local.push(i);
      else if (!decoding) throw new RangeError(`hook "${name}": position ${p} is outside the sequence [0, ${tokenOffset + len})`);
    }
    return local;
  }
}

/** `edited` where the position and head are selected, `original` elsewhere. */
function restrictEdit(
  name: string,
  spec: HookPointSpec,
  original: Float32Tensor,
  edited: Float32Tensor,
  positions: readonly number[] | null,
  heads: readonly number[] | undefined,
): Float32Tensor {
  const { pos, head } = restrictableAxes(spec);
  const shape = original.shape;
  for (const h of heads ?? []) {
    if (head === null || h >= shape[head]) throw new RangeError(`hook "${name}": head ${h} is outside [0, ${head === null ? 0 : shape[head]})`);
  }
  const posSet = positions ? new Set(positions) : null;
  const headSet = heads ? new Set(heads) : null;
  const strides = stridesOf(shape);
  const out = original.data.slice();
  for (let i = 0; i < out.length; i++) {
    if (posSet && pos !== null && !posSet.has(Math.floor(i / strides[pos]) % shape[pos])) continue;
    if (headSet && head !== null && !headSet.has(Math.floor(i / strides[head]) % shape[head])) continue;
    out[i] = edited.data[i];
  }
  return { dtype: 'float32', shape: [...shape], data: out };
}
