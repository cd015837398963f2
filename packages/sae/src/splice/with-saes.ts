/**
 * Runs a model with SAEs spliced in at their hooks, as SAELens's HookedSAETransformer does: at `<hook>`
 * the value is replaced by the SAE's reconstruction (plus the error term x - x̂ when `useErrorTerm`,
 * which leaves the forward pass unchanged while the latents stay visible). The SAE's own points,
 * `<hook>.hook_sae_input`, `.hook_sae_acts_pre`, `.hook_sae_acts_post`, `.hook_sae_recons`,
 * `.hook_sae_error` and `.hook_sae_output`, are hookable (observe / edit) and cacheable like the model's.
 *
 * Built on core's edit hooks only: the wrapper resolves its own names and merges the values it keeps
 * into the ActivationCache it returns. `<hook>` itself caches the spliced value.
 */
import {
  ActivationCache, clone, indexed,
  type CacheFilter, type Float32Tensor, type GenerateOptions, type GenerateResult, type Hook, type HookContext, type HookFn,
  type HookedTransformer, type IndexedTensor, type ObserveFn, type RunOptions, type RunResult, type TokenInput,
} from '@marr/core';
import { activateInPlace } from '../sae.js';
import type { Sae } from '../sae.js';
import { SAE_HOOK_SUFFIXES, splitSaeHookName, type SaeHookSuffix } from './sae-hook-names.js';

export interface WithSaesOptions {
  /** Add the error term x - SAE(x) back, so the model's forward pass is unchanged (default false). */
  useErrorTerm?: boolean;
}

interface SaeHook {
  kind: 'observe' | 'edit';
  fn: HookFn | ObserveFn;
}

/** A HookedTransformer that runs the wrapped model with SAEs spliced in. */
export interface SaeSplicedModel extends HookedTransformer {
  readonly model: HookedTransformer;
  readonly saes: readonly Sae[];
  readonly useErrorTerm: boolean;
}

function hookKind(h: Hook): SaeHook {
  const r = h as { observe?: ObserveFn; edit?: HookFn; fn?: HookFn; positions?: unknown; heads?: unknown };
  const given = [r.observe, r.edit, r.fn].filter((f) => f !== undefined);
  if (given.length !== 1 || typeof given[0] !== 'function') throw new Error(`hook "${h.name}": give exactly one of observe, edit or fn, as a function`);
  if (r.positions !== undefined || r.heads !== undefined) throw new Error(`hook "${h.name}": SAE hook points take no positions or heads; restrict inside the hook function`);
  return r.observe ? { kind: 'observe', fn: r.observe } : { kind: 'edit', fn: (r.edit ?? r.fn)! };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

class SplicedModel implements SaeSplicedModel {
  private readonly byHook = new Map<string, Sae>();

  constructor(readonly model: HookedTransformer, readonly saes: readonly Sae[], readonly useErrorTerm: boolean) {
    const valid = new Set(model.hookPoints({ optIn: true }));
    for (const sae of saes) {
      const hook = sae.cfg.hookName;
      if (!hook) throw new Error('withSaes: an SAE has no hook_name in its cfg; set cfg.hookName to the hook point it reads (e.g. blocks.0.hook_resid_post)');
      if (!valid.has(hook)) throw new Error(`withSaes: the SAE's hook "${hook}" is not a hook point of this model (model.hookPoints() lists them)`);
      if (this.byHook.has(hook)) throw new Error(`withSaes: two SAEs read ${hook}; splice one SAE per hook point`);
      this.byHook.set(hook, sae);
    }
  }

  get config() { return this.model.config; }
  get tokenizer() { return this.model.tokenizer; }
  get source() { return this.model.source; }
  get weights() { return this.model.weights; }
  finalNorm(resid: Float32Tensor, options?: { scale?: Float32Tensor }) { return this.model.finalNorm(resid, options); }
  unembed(x: Float32Tensor) { return this.model.unembed(x); }
  toTokens(input: string | readonly string[], options?: { prependBos?: boolean }) { return this.model.toTokens(input, options); }
  toStrTokens(input: string | readonly number[], options?: { prependBos?: boolean }) { return this.model.toStrTokens(input, options); }
  toSingleToken(text: string) { return this.model.toSingleToken(text); }
  getWeight(name: string) { return this.model.getWeight(name); }
  setWeight(name: string, value: Float32Tensor) { this.model.setWeight(name, value); }
  weightNames() { return this.model.weightNames(); }
  weightsUpdated(names?: readonly string[]) { this.model.weightsUpdated(names); }
  /** Gradients do not flow through spliced SAEs yet: a clear error rather than gradients of the model without them. */
  runWithGrad(): Promise<never> {
    return Promise.reject(new Error('runWithGrad: gradients through spliced SAEs are not supported; call runWithGrad on the model itself (spliced.model) or splice the SAE with an edit hook'));
  }
  dispose() { return this.model.dispose(); }

  /** The model's hook points with each SAE's points after its hook. */
  hookPoints(options?: { optIn?: boolean }): string[] {
    const out: string[] = [];
    for (const name of this.model.hookPoints(options)) {
      out.push(name);
      if (this.byHook.has(name)) for (const s of SAE_HOOK_SUFFIXES) out.push(`${name}.${s}`);
    }
    return out;
  }

  /** Splits user hooks into the model's and the SAEs', and builds the splicing edit hooks. */
  private plan(userHooks: readonly Hook[] | undefined, keep: (name: string) => boolean, cache: Map<string, Float32Tensor> | null): Hook[] {
    const hookNames = new Set(this.byHook.keys());
    const saeHooks = new Map<string, SaeHook[]>();
    const modelHooks: Hook[] = [];
    for (const h of userHooks ?? []) {
      const split = h && typeof h.name === 'string' ? splitSaeHookName(h.name, hookNames) : null;
      if (!split) { modelHooks.push(h); continue; }
      const list = saeHooks.get(h.name) ?? [];
      list.push(hookKind(h));
      saeHooks.set(h.name, list);
    }
    const splices: Hook[] = [];
    for (const [hook, sae] of this.byHook) {
      splices.push({ name: hook, edit: (value, ctx) => this.splice(sae, hook, value, ctx, saeHooks, keep, cache) });
    }
    // user hooks on <hook> see the value before the SAE (SAELens: hooks on the model's point run first)
    return [...modelHooks, ...splices];
  }

  private async splice(
    sae: Sae, hook: string, value: IndexedTensor, ctx: HookContext,
    saeHooks: Map<string, SaeHook[]>, keep: (name: string) => boolean, cache: Map<string, Float32Tensor> | null,
  ): Promise<Float32Tensor> {
    const { dIn, dSae } = sae.cfg;
    const shape = [...value.shape];
    const rows = shape.length >= 2 ? shape[0] * shape[1] : 1;
    if (value.data.length !== rows * dIn) {
      throw new RangeError(`withSaes: ${hook} has shape [${shape.join(', ')}], which does not flatten to [${rows}, d_in=${dIn}] rows; this SAE was trained on another hook or model`);
    }
    const lead = shape.length >= 2 ? shape.slice(0, 2) : [1];
    let edited = false;
    const point = async (suffix: SaeHookSuffix, t: Float32Tensor): Promise<Float32Tensor> => {
      const name = `${hook}.${suffix}`;
      let v = t;
      const hs = saeHooks.get(name);
      if (hs) {
        const c: HookContext = { ...ctx, name };
        for (const h of hs) {
          if (h.kind === 'observe') { await (h.fn as ObserveFn)(indexed(v), c); continue; }
          const copy = indexed(clone(v));
          const out = (await (h.fn as HookFn)(copy, c)) ?? copy;
          if (out.dtype !== 'float32' || !sameShape(out.shape, v.shape)) {
            throw new RangeError(`hook "${name}" returned shape [${out.shape}] but the value has shape [${v.shape}]; return a tensor of the same shape`);
          }
          v = out;
          edited = true;
        }
      }
      if (cache && keep(name)) cache.set(name, v);
      return v;
    };
    const asRows = (t: Float32Tensor, width: number): Float32Tensor => ({ dtype: 'float32', shape: [rows, width], data: t.data });
    const asLead = (t: Float32Tensor, width: number): Float32Tensor => ({ dtype: 'float32', shape: [...lead, width], data: t.data });
    const asHook = (t: Float32Tensor): Float32Tensor => ({ dtype: 'float32', shape, data: t.data });

    const x = await point('hook_sae_input', asHook(value));
    const xRows = asRows(x, dIn);
    const pre = await point('hook_sae_acts_pre', asLead(await sae.encodePre(xRows), dSae));
    const acts = clone(pre);
    activateInPlace(sae.cfg, sae.weights, acts.data as Float32Array, rows);
    const post = await point('hook_sae_acts_post', asLead(acts, dSae));
    const recons = await point('hook_sae_recons', asHook(await sae.decode(asRows(post, dSae), { input: xRows })));
    // the error is measured against the SAE's own clean reconstruction of the hook's value (SAELens: hooks disabled)
    const clean = edited ? await sae.forward(asRows(value, dIn)) : recons;
    const err = new Float32Array(value.data.length);
    for (let i = 0; i < err.length; i++) err[i] = value.data[i] - clean.data[i];
    const error = await point('hook_sae_error', { dtype: 'float32', shape, data: err });
    let out = recons;
    if (this.useErrorTerm) {
      const sum = new Float32Array(recons.data.length);
      for (let i = 0; i < sum.length; i++) sum[i] = recons.data[i] + error.data[i];
      out = { dtype: 'float32', shape, data: sum };
    }
    return point('hook_sae_output', asHook(out));
  }

  /** The model's cache filter and a predicate for the SAE names. */
  private splitCache(filter: CacheFilter | undefined): { model: CacheFilter | undefined; keep: (name: string) => boolean } {
    const hookNames = new Set(this.byHook.keys());
    if (filter === undefined || filter === false) return { model: filter, keep: () => false };
    if (filter === true) return { model: true, keep: () => true };
    if (typeof filter === 'function') return { model: (n: string) => filter(n), keep: filter };
    const mine = filter.filter((n) => splitSaeHookName(n, hookNames));
    const theirs = filter.filter((n) => !splitSaeHookName(n, hookNames));
    const s = new Set(mine);
    return { model: theirs, keep: (n) => s.has(n) };
  }

  async run(tokens: TokenInput, options: RunOptions = {}): Promise<RunResult> {
    const { model: modelCache, keep } = this.splitCache(options.cache);
    const saeCache = new Map<string, Float32Tensor>();
    const hooks = this.plan(options.hooks, keep, saeCache);
    const result = await this.model.run(tokens, { ...options, hooks, cache: modelCache });
    const merged = new Map<string, Float32Tensor>();
    for (const name of this.hookPoints({ optIn: true })) {
      if (result.cache.has(name)) merged.set(name, result.cache.get(name));
      else if (saeCache.has(name)) merged.set(name, saeCache.get(name)!);
    }
    for (const name of result.cache.names()) if (!merged.has(name)) merged.set(name, result.cache.get(name));
    return { ...result, cache: new ActivationCache(merged, this) };
  }

  runWithCache(tokens: TokenInput, options: RunOptions = {}): Promise<RunResult> {
    return this.run(tokens, { ...options, cache: options.cache ?? true });
  }

  generate(prompt: string | readonly number[], options: GenerateOptions): Promise<GenerateResult> {
    return this.model.generate(prompt, { ...options, hooks: this.plan(options.hooks, () => false, null) });
  }
}

/**
 * The model with each SAE spliced in at its `cfg.hookName`. Runs, caches and generates like the model;
 * the SAE points are named `<hook>.hook_sae_*`.
 */
export function withSaes(model: HookedTransformer, saes: readonly Sae[], options: WithSaesOptions = {}): SaeSplicedModel {
  return new SplicedModel(model, saes, options.useErrorTerm ?? false);
}
