/**
 * Validation of mined trigrams after random German prefixes (the authors' generate_random_prompts and
 * filter_trigram_candidates): `prompts` sequences of `prefixLength` tokens drawn with replacement from the
 * `commonTokens` most frequent German tokens (no punctuation, no special tokens), then the trigram, no
 * BOS; the loss on the trigram's last token under the four runs, averaged over the prompts. A trigram is
 * kept when its clean loss is below `maxCleanLoss` (3) and ablation raises it by more than
 * `minLossIncrease` (2 nats).
 */
import type { HookedTransformer, Progress, Rng } from '@marr/core';
import { contextEffect, EFFECT_RUNS, type ContextNeuron, type EffectRun } from '../effects/context-effect.js';

export type TrigramLosses = Record<EffectRun, number>;

/** The `k` most frequent tokens of the sequences that `keepToken` accepts, most frequent first (ties: lower id). */
export function commonTokens(sequences: readonly (readonly number[])[], k: number, keepToken: (id: number) => boolean): number[] {
  const counts = new Map<number, number>();
  for (const s of sequences) for (const t of s) if (keepToken(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, k).map(([t]) => t);
}

/** The validation prompts of one trigram. */
export function randomPrompts(trigram: readonly number[], pool: readonly number[], count: number, prefixLength: number, rng: Rng): number[][] {
  if (pool.length === 0) throw new Error('randomPrompts: no common German tokens to draw prefixes from');
  return Array.from({ length: count }, () => [...Array.from({ length: prefixLength }, () => pool[rng.int(pool.length)]), ...trigram]);
}

/** Mean last-position loss of each run over each trigram's prompts. */
export async function trigramLosses(
  model: HookedTransformer,
  trigrams: readonly (readonly number[])[],
  pool: readonly number[],
  target: ContextNeuron,
  options: { prompts: number; prefixLength: number; rng: Rng; batchSize: number; signal?: AbortSignal; progress?: Progress },
): Promise<TrigramLosses[]> {
  const prompts = trigrams.flatMap((t) => randomPrompts(t, pool, options.prompts, options.prefixLength, options.rng));
  if (prompts.length === 0) return [];
  const effect = await contextEffect(model, prompts, target, { batchSize: options.batchSize, signal: options.signal, progress: options.progress, label: 'trigram prompts' });
  return trigrams.map((_, i) => {
    const out = {} as TrigramLosses;
    for (const run of EFFECT_RUNS) {
      let sum = 0;
      for (let j = 0; j < options.prompts; j++) {
        const row = effect[run][i * options.prompts + j];
        sum += row[row.length - 1];
      }
      out[run] = sum / options.prompts;
    }
    return out;
  });
}

export function passesValidation(l: TrigramLosses, maxCleanLoss: number, minLossIncrease: number): boolean {
  return l.clean < maxCleanLoss && l.total - l.clean > minLossIncrease;
}
