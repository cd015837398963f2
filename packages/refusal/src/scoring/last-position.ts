/**
 * Last-position next-token distributions of many (prompt, intervention) rows, batched: each forward pass
 * holds up to `rowsPerPass` rows whose prompts have the same length (so nothing is padded), with hooks that
 * know which intervention each row carries (so one pass scores many candidate directions). Only the last
 * position is normed and unembedded.
 */
import { batches, tensor, type Hook, type HookedTransformer } from '@marr/core';
import type { RunIo } from '../direction/mean-difference.js';
import { softmax64 } from './refusal-score.js';

/** One row: a prompt and the intervention it runs under (an index the hook factory understands, or -1 for none). */
export interface ScoreRow {
  prompt: number;
  intervention: number;
}

/**
 * Runs every row and hands its last-position logits (a view, valid during the call) to `onRow`.
 * `hooksFor(rows)` makes the hooks of one pass from its rows (row b of the pass is `rows[b]`).
 */
export async function lastPositionLogits(
  model: HookedTransformer,
  prompts: readonly string[],
  rows: readonly ScoreRow[],
  hooksFor: (rows: readonly ScoreRow[]) => Hook[],
  onRow: (row: ScoreRow, logits: Float32Array, index: number) => void,
  options: RunIo & { rowsPerPass: number; label: string },
): Promise<void> {
  const { dModel: d, dVocab: V } = model.config;
  // Rows of equal-length prompts share a pass (no padding), whatever the candidates; ties keep the given order.
  const lengths = prompts.map((p) => model.tokenizer!.encode(p).length);
  const order = rows.map((_, i) => i).sort((a, b) => lengths[rows[a].prompt] - lengths[rows[b].prompt] || a - b);
  const passes: number[][] = [];
  for (const i of order) {
    const last = passes[passes.length - 1];
    if (last && last.length < options.rowsPerPass && lengths[rows[last[0]].prompt] === lengths[rows[i].prompt]) last.push(i);
    else passes.push([i]);
  }
  for await (const { items: [picked] } of batches(passes, { size: 1, signal: options.signal, progress: options.progress, label: options.label })) {
    const items = picked.map((i) => rows[i]);
    const batch = model.toTokens(items.map((r) => prompts[r.prompt]));
    const { residual } = await model.run(batch, { hooks: hooksFor(items), returnLogits: false });
    const [B, T] = residual.shape;
    const last = tensor([B, 1, d], new Float32Array(B * d));
    for (let b = 0; b < B; b++) last.data.set(residual.data.subarray((b * T + T - 1) * d, (b * T + T) * d), b * d);
    const logits = (await model.unembed(model.finalNorm(last))).data;
    items.forEach((row, b) => onRow(row, logits.subarray(b * V, (b + 1) * V), picked[b]));
  }
}

/** `lastPositionLogits` as probabilities (float64 softmax). */
export async function lastPositionProbs(
  model: HookedTransformer,
  prompts: readonly string[],
  rows: readonly ScoreRow[],
  hooksFor: (rows: readonly ScoreRow[]) => Hook[],
  onRow: (row: ScoreRow, probs: Float64Array, index: number) => void,
  options: RunIo & { rowsPerPass: number; label: string },
): Promise<void> {
  await lastPositionLogits(model, prompts, rows, hooksFor, (row, logits, i) => onRow(row, softmax64(logits, 0, logits.length), i), options);
}

/** Baseline (no hooks) last-position probabilities of each prompt. */
export async function baselineProbs(model: HookedTransformer, prompts: readonly string[], options: RunIo & { rowsPerPass: number; label: string }): Promise<Float64Array[]> {
  const out: Float64Array[] = new Array(prompts.length);
  await lastPositionProbs(model, prompts, prompts.map((_, prompt) => ({ prompt, intervention: -1 })), () => [], (r, p) => (out[r.prompt] = p), options);
  return out;
}
