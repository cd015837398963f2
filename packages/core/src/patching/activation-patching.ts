/**
 * Activation patching (Meng et al. 2022; Wang et al. 2023; TransformerLens's `patching` module): run
 * one prompt of a pair, copy one activation from the other prompt's run, and measure how much of the
 * metric's clean-corrupted gap that restores, for every layer, layer and position, or layer and head.
 */
import type { ModelConfig } from '../model/config.js';
import type { HookedTransformer } from '../model/types.js';
import type { PatchingMetric } from './metrics.js';
import { mean, normalise, promptPairs, runBaselines, type PromptPairs, type TokenSequences } from './pairs.js';
import { runPatchedRows, type ActivationPatch, type PatchedRow } from './patched-rows.js';

/**
 * Which activation is patched, per schedule slot: `mlp_post` is the MLP's neuron activations
 * (`mlp.hook_post`), `result` each head's output before the heads are summed (the opt-in `attn.hook_result`).
 */
export type PatchHook = 'resid_pre' | 'resid_mid' | 'resid_post' | 'attn_out' | 'mlp_out' | 'z' | 'pattern' | 'result' | 'mlp_post';
export const PATCH_HOOKS: readonly PatchHook[] = ['resid_pre', 'resid_mid', 'resid_post', 'attn_out', 'mlp_out', 'z', 'pattern', 'result', 'mlp_post'];
/** The hooks with a head axis (the ones `layer-head` grids take). */
export const PER_HEAD_HOOKS: readonly PatchHook[] = ['z', 'pattern', 'result'];

/**
 * The grid: `layer` (one cell per schedule slot, the whole activation), `layer-position` (per slot and
 * sequence position; query position for `pattern`), `layer-head` (per slot and head; `z`, `pattern` and
 * `result`), `layer-neuron` (per slot and MLP neuron, every position; `mlp_post`).
 */
export type PatchOver = 'layer' | 'layer-position' | 'layer-head' | 'layer-neuron';
export const PATCH_OVER: readonly PatchOver[] = ['layer', 'layer-position', 'layer-head', 'layer-neuron'];

const HOOK_SUFFIX: Record<PatchHook, string> = {
  resid_pre: 'hook_resid_pre',
  resid_mid: 'hook_resid_mid',
  resid_post: 'hook_resid_post',
  attn_out: 'hook_attn_out',
  mlp_out: 'hook_mlp_out',
  z: 'attn.hook_z',
  pattern: 'attn.hook_pattern',
  result: 'attn.hook_result',
  mlp_post: 'mlp.hook_post',
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
  /** Column labels: `all` (over layer), `p0`, `p1`, ... (positions), `H0`, `H1`, ... (heads) or `N0`, `N1`, ... (neurons). */
  columns: string[];
  /** The metric averaged over pairs, [row][column]. */
  values: number[][];
  /** (value - corrupted) / (clean - corrupted): 0 = corrupted, 1 = clean (NaN when clean = corrupted). */
  normalised: number[][];
  /** The metric on the clean and the corrupted prompts, averaged over pairs. */
  clean: number;
  corrupted: number;
}

/**
 * Checks a grid request (`fn` names the caller in the message) and returns the prompt pairs: the hook
 * and over are known and go together, the model has the hook point, and positions line up across pairs.
 */
export function checkPatchGrid(fn: string, cfg: ModelConfig, hook: PatchHook, over: PatchOver, clean: TokenSequences, corrupted: TokenSequences): PromptPairs {
  if (!PATCH_HOOKS.includes(hook)) throw new Error(`${fn}: unknown hook "${hook}"; use one of ${PATCH_HOOKS.join(', ')}`);
  if (!PATCH_OVER.includes(over)) throw new Error(`${fn}: unknown over "${over}"; use one of ${PATCH_OVER.join(', ')}`);
  if (hook === 'resid_mid' && cfg.parallelAttnMlp) {
    throw new Error(`${fn}: this model runs attention and MLP in parallel, so there is no resid_mid; patch resid_pre, attn_out or mlp_out`);
  }
  if (over === 'layer-head' && !PER_HEAD_HOOKS.includes(hook)) {
    throw new Error(`${fn}: over "layer-head" needs a per-head hook (${PER_HEAD_HOOKS.join(', ')}), not ${hook}`);
  }
  if (over === 'layer-neuron' && hook !== 'mlp_post') {
    throw new Error(`${fn}: over "layer-neuron" needs the MLP neurons, hook mlp_post, not ${hook}`);
  }
  const pairs = promptPairs(clean, corrupted);
  const T = pairs.clean[0].length;
  if (over === 'layer-position' && pairs.clean.some((r) => r.length !== T)) {
    throw new RangeError(`${fn}: over "layer-position" needs every pair to have the same length; lengths are ${[...new Set(pairs.clean.map((r) => r.length))].join(', ')}`);
  }
  return pairs;
}

/** The column labels of a grid over `over` for sequences of `T` tokens. */
export function gridColumns(cfg: ModelConfig, over: PatchOver, T: number): string[] {
  switch (over) {
    case 'layer':
      return ['all'];
    case 'layer-position':
      return Array.from({ length: T }, (_, p) => `p${p}`);
    case 'layer-head':
      return Array.from({ length: cfg.nHeads }, (_, h) => `H${h}`);
    case 'layer-neuron':
      return Array.from({ length: cfg.dMlp }, (_, n) => `N${n}`);
  }
}

export async function activationPatching(options: ActivationPatchingOptions): Promise<PatchingGrid> {
  const { model, metric, hook, over } = options;
  const cfg = model.config;
  const pairs = checkPatchGrid('activationPatching', cfg, hook, over, options.clean, options.corrupted);
  const direction = options.direction ?? 'denoise';
  const P = pairs.clean.length;
  const T = pairs.clean[0].length;
  const L = cfg.nLayers;
  const names: string[] = [];
  for (let l = 0; l < L; l++) names.push(patchHookName(hook, l), `blocks.${l}.hook_resid_pre`);
  const base = await runBaselines(model, pairs, metric, [...new Set(names)], options);
  const cleanMetric = mean(base.clean.metric);
  const corruptedMetric = mean(base.corrupted.metric);
  const run = direction === 'denoise' ? { tokens: pairs.corrupted, self: base.corrupted, source: base.clean } : { tokens: pairs.clean, self: base.clean, source: base.corrupted };

  const columns = gridColumns(cfg, over, T);
  const rows: PatchedRow[] = [];
  for (let l = 0; l < L; l++) {
    const name = patchHookName(hook, l);
    for (let c = 0; c < columns.length; c++) {
      for (let i = 0; i < P; i++) {
        const patch: ActivationPatch = { hook: name, value: run.source.cache[i].get(name)! };
        if (over === 'layer-position') patch.positions = [c];
        if (over === 'layer-head') patch.heads = [c];
        if (over === 'layer-neuron') patch.neurons = [c];
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
