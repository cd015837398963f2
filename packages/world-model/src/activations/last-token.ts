/**
 * The activations probed: for every entity, the prompt (BOS + prefix + name) is run and a hook point's
 * activation at its last token (the last token of the name) is read, through core's
 * `collectActivations` (prompts of equal length share a batch, so no padding enters any position read).
 */
import { collectActivations, denseMatrix, MarrUsageError, type DenseMatrix, type HookedTransformer, type Progress } from '@marr/core';

export interface LayerActivations {
  layer: number | null;
  hookPoint: string;
  /** entities x width. */
  x: DenseMatrix;
}

export function residPostHook(layer: number): string {
  return `blocks.${layer}.hook_resid_post`;
}

export function mlpPostHook(layer: number): string {
  return `blocks.${layer}.mlp.hook_post`;
}

/** Token ids of each prompt (BOS first when the tokenizer has one). */
export function tokenizePrompts(model: HookedTransformer, prompts: readonly string[]): number[][] {
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new MarrUsageError('the model has no tokenizer; pass one with --tokenizer <path>');
  const nCtx = model.config.nCtx;
  return prompts.map((p, i) => {
    const ids = tokenizer.encode(p);
    const first = tokenizer.bosTokenId !== null && ids[0] === tokenizer.bosTokenId ? 1 : 0;
    if (ids.length <= first) throw new MarrUsageError(`entity ${i + 1} ("${p}") tokenizes to no tokens; drop it from the table`);
    if (ids.length > nCtx) throw new MarrUsageError(`entity ${i + 1} ("${p.slice(0, 60)}") is ${ids.length} tokens, more than the model's context of ${nCtx}; shorten the prefix or drop long names`);
    return ids;
  });
}

export interface CollectOptions {
  batchSize: number;
  signal?: AbortSignal;
  progress?: Progress;
  label?: string;
}

/** One matrix per hook point: each entity's activation at the last token of its prompt. */
export async function lastTokenActivations(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  hooks: readonly { layer: number; hookPoint: string }[],
  options: CollectOptions,
): Promise<LayerActivations[]> {
  const positions = sequences.map((s, i) => [i, s.length - 1] as const);
  const matrices = await collectActivations(model, sequences, hooks.map((h) => h.hookPoint), { positions, ...options });
  return matrices.map((m, k) => ({ layer: hooks[k].layer, hookPoint: m.hookPoint, x: denseMatrix(m.rows, m.cols, m.data) }));
}
