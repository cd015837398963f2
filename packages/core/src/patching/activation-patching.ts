/**
 * Activation patching (Meng et al. 2022; Wang et al. 2023; TransformerLens's `patching` module): run
 * one prompt of a pair, copy one activation from the other prompt's run, and measure how much of the
 * metric's clean-corrupted gap that restores, for every layer, layer and position, or layer and head.
 */
import type { HookedTransformer } from '../model/types.js';
import type { PatchingMetric } from './metrics.js';
import { mean, normalise, promptPairs, runBaselines, type TokenSequences } from './pairs.js';
import { runPatchedRows, type ActivationPatch, type PatchedRow } from './patched-rows.js';

/** Which activation is patched, per schedule slot. */
export type PatchHook = 'resid_pre' | 'resid_mid' | 'resid_post' | 'attn_out' | 'mlp_out' | 'z' | 'pattern';
export const PATCH_HOOKS: readonly PatchHook[] = ['resid_pre', 'resid_mid', 'resid_post', 'attn_out', 'mlp_out', 'z', 'pattern'];

/**
 * The grid: `layer` (one cell per schedule slot, the whole activation), `layer-position` (per slot and
 * sequence position; query position for `pattern`), `layer-head` (per slot and head; `z` and `pattern`).
 */
export type PatchOver = 'layer' | 'layer-position' | 'layer-head';
export const PATCH_OVER: readonly PatchOver[] = ['layer', 'layer-position', 'layer-head'];

const HOOK_SUFFIX: Record<PatchHook, string> = {
  resid_pre: 'hook_resid_pre',
  resid_mid: 'hook_resid_mid',
  resid_post: 'hook_resid_post',
  attn_out: 'hook_attn_out',
  mlp_out: 'hook_mlp_out',
  z: 'attn.hook_z',
  pattern: 'attn.hook_pattern',
};

/** The hook point patched at slot `layer`. */
export function patchHookName(hook: PatchHook, layer: number): string {
  return `blocks.${layer}.${HOOK_SUFFIX[hook]}`;
}

export interface ActivationPatchingOptions {
  model: HookedTransformer;
  /** One prompt (token ids) or a list; the grid averages the metric over pairs. */
  clean: TokenSequences;
  corrupted: TokenSequences;
  metric: PatchingMetric;
  hook: PatchHook;
  over: PatchOver;
  /**
   * `denoise` (default): run the corrupted prompt and patch in the clean activation (TransformerLens's
   * convention). `noise`: run the clean prompt and patch in the corrupted activation.
   */
  direction?: 'denoise' | 'noise';
  /** Rows (patched runs) per forward pass; default 16. */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after every batch with (cells done, cells in all). */
  onProgress?: (done: number, total: number) => void;
}

export interface PatchingGrid {
  hook: PatchHook;
  over: PatchOver;
  metric: string;
  direction: 'denoise' | 'noise';
  /** Row labels: `L0`, `L1`, ... */
  rows: string[];
  /** Column labels: `all` (over layer), `p0`, `p1`, ... (positions) or `H0`, `H1`, ... (heads). */
  columns: string[];
  /** The metric averaged over pairs, [row][column]. */
  values: number[][];
  /** (value - corrupted) / (clean - corrupted): 0 = corrupted, 1 = clean (NaN when clean = corrupted). */
  normalised: number[][];
  /** The metric on the clean and the corrupted prompts, averaged over pairs. */
  clean: number;
  corrupted: number;
}

export async function activationPatching(options: ActivationPatchingOptions): Promise<PatchingGrid> {
  const { model, metric, hook, over } = options;
  const cfg = model.config;
  if (!PATCH_HOOKS.includes(hook)) throw new Error(`activationPatching: unknown hook "${hook}"; use one of ${PATCH_HOOKS.join(', ')}`);
  if (!PATCH_OVER.includes(over)) throw new Error(`activationPatching: unknown over "${over}"; use one of ${PATCH_OVER.join(', ')}`);
  if (hook === 'resid_mid' && cfg.parallelAttnMlp) {
    throw new Error('activationPatching: this model runs attention and MLP in parallel, so there is no resid_mid; patch resid_pre, attn_out or mlp_out');
  }
  if (over === 'layer-head' && hook !== 'z' && hook !== 'pattern') {
    throw new Error(`activationPatching: over "layer-head" needs a per-head hook (z or pattern), not ${hook}`);
  }
  const direction = options.direction ?? 'denoise';
  const pairs = promptPairs(options.clean, options.corrupted);
  const P = pairs.clean.length;
  const T = pairs.clean[0].length;
  if (over === 'layer-position' && pairs.clean.some((r) => r.length !== T)) {
    throw new RangeError(`activationPatching: over "layer-position" needs every pair to have the same length; lengths are ${[...new Set(pairs.clean.map((r) => r.length))].join(', ')}`);
  }
  const L = cfg.nLayers;
  const names: string[] = [];
  for (let l = 0; l < L; l++) names.push(patchHookName(hook, l), `blocks.${l}.hook_resid_pre`);
  const base = await runBaselines(model, pairs, metric, [...new Set(names)], options);
  const cleanMetric = mean(base.clean.metric);
  const corruptedMetric = mean(base.corrupted.metric);
  const run = direction === 'denoise' ? { tokens: pairs.corrupted, self: base.corrupted, source: base.clean } : { tokens: pairs.clean, self: base.clean, source: base.corrupted };

  const columns = over === 'layer' ? ['all'] : over === 'layer-position' ? Array.from({ length: T }, (_, p) => `p${p}`) : Array.from({ length: cfg.nHeads }, (_, h) => `H${h}`);
  const rows: PatchedRow[] = [];
  for (let l = 0; l < L; l++) {
    const name = patchHookName(hook, l);
    for (let c = 0; c < columns.length; c++) {
      for (let i = 0; i < P; i++) {
        const patch: ActivationPatch = { hook: name, value: run.source.cache[i].get(name)! };
        if (over === 'layer-position') patch.positions = [c];
        if (over === 'layer-head') patch.heads = [c];
        rows.push({ tokens: run.tokens[i], patches: [patch], start: startAt(run.self.cache[i], l) });
      }
    }
  }
  const total = rows.length;
  const outs = await runPatchedRows(model, rows, {
    batchSize: options.batchSize,
    signal: options.signal,
    onBatch: (done) => options.onProgress?.(done / P, total / P),
  });
  const values: number[][] = [];
  const normalised: number[][] = [];
  let k = 0;
  for (let l = 0; l < L; l++) {
    const vrow: number[] = [];
    const nrow: number[] = [];
    for (let c = 0; c < columns.length; c++) {
      const per: number[] = [];
      for (let i = 0; i < P; i++) per.push(metric.evaluate(outs[k++].lastLogits, i));
      const v = mean(per);
      vrow.push(v);
      nrow.push(normalise(v, cleanMetric, corruptedMetric));
    }
    values.push(vrow);
    normalised.push(nrow);
  }
  return {
    hook, over, metric: metric.name, direction,
    rows: Array.from({ length: L }, (_, l) => `L${l}`),
    columns, values, normalised, clean: cleanMetric, corrupted: corruptedMetric,
  };
}

/** Resume at slot `layer` from the run's own residual there (nothing before it is patched). */
export function startAt(cache: Map<string, Float32Array>, layer: number): PatchedRow['start'] {
  return { slot: layer, residual: cache.get(`blocks.${layer}.hook_resid_pre`)! };
}
