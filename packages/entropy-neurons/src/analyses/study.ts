/** What the two ablation analyses share: the layer, the windows' clean run, the ablation value and the scored positions. */
import { createRng, MarrUsageError, textWindows, type AnalysisContext, type HookedTransformer, type Progress } from '@marr/core';
import { cleanRun, meanActivations, type CleanRun } from '../ablation/clean-run.js';
import { boundaryTokens, scoredPositions } from '../ablation/scored-positions.js';

export interface StudyIo {
  progress: Progress;
  signal: AbortSignal;
}

export function resolveLayer(model: HookedTransformer, layer: number | undefined): number {
  const L = model.config.nLayers;
  const l = layer ?? L - 1;
  if (l >= L) throw new MarrUsageError(`--param layer=${l} does not exist: the model has layers 0..${L - 1}; pass a layer in that range or leave it out for the last`);
  return l;
}

export function checkVocabulary(model: HookedTransformer): void {
  const { dModel, dVocab } = model.config;
  if (dVocab < dModel) {
    throw new MarrUsageError(`the vocabulary (${dVocab}) is smaller than d_model (${dModel}), so W_U has a null space of its own that the thin SVD does not see; this analysis needs d_vocab >= d_model`);
  }
}

export function windowsFromContext(ctx: AnalysisContext<unknown>, model: HookedTransformer, params: { contextLength?: number; maxTokens: number }): number[][] {
  return textWindows(ctx, model, params);
}

export interface PreparedAblation {
  run: CleanRun;
  mean: Float64Array;
  scored: Int32Array;
}

export async function prepareAblation(model: HookedTransformer, windows: number[][], layer: number, batchSize: number, io: StudyIo): Promise<PreparedAblation> {
  const T = windows[0]?.length ?? 0;
  if (T < 5) throw new MarrUsageError(`windows of ${T} tokens leave no scored position (positions < 3 and the last are excluded); pass --param contextLength=16 or more`);
  const run = await cleanRun(model, windows, layer, { batchSize, signal: io.signal, progress: io.progress });
  const mean = meanActivations(run, model.config.dMlp);
  const scored = scoredPositions(windows, boundaryTokens(model));
  if (scored.length === 0) {
    throw new MarrUsageError('no position is left to score: every position is < 3, the last of its window, or a BOS/EOS/newline token or the one before it; give longer windows or more text');
  }
  return { run, mean, scored };
}

/** Indices sorted by a key, largest first (ties: lower index first). */
export function rankBy(values: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: values.length }, (_, i) => i)
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, n);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The neurons to ablate: all of them, or the top `count` by `score` and `count` others drawn at random
 * with `seed`, in index order.
 */
export function chooseAblated(score: ArrayLike<number>, count: number | undefined, seed: number): number[] {
  const n = score.length;
  if (count === undefined || 2 * count >= n) return Array.from({ length: n }, (_, j) => j);
  const top = rankBy(score, count);
  const chosen = new Set(top);
  const others = createRng(seed).shuffle(Array.from({ length: n }, (_, j) => j).filter((j) => !chosen.has(j)));
  for (const j of others.slice(0, count)) chosen.add(j);
  return [...chosen].sort((a, b) => a - b);
}

/** `rankBy` over values that may be null (nulls last). */
export function rankByNullable(values: readonly (number | null)[], n: number): number[] {
  return rankBy(values.map((v) => (v === null ? -Infinity : v)), n).filter((j) => values[j] !== null);
}
