/**
 * Trigram mining as the authors' generate_ngrams_data.py does it: at every position of every German
 * sequence the interest is min(total - clean, indirectRemoved - clean) of the next-token loss (the
 * ablation must hurt, and it must hurt through later components), set to 0 where the clean loss is
 * above `maxCleanLoss` (2.5); positions with interest above `minLossIncrease` (3) give the trigram of
 * the two tokens before the predicted token and the predicted token itself, from the loss index 3 on
 * (so BOS is never part of one); trigrams with a token that holds no letter are dropped.
 */
import type { ContextEffect } from '../effects/context-effect.js';

export interface MinedTrigram {
  tokens: [number, number, number];
  /** Positions where it passed, over all sequences. */
  count: number;
  /** The largest interest among them (nats). */
  interest: number;
  /** Where the strongest one is: sequence index and the position of the predicted token. */
  example: { sequence: number; position: number };
}

export interface MineOptions {
  maxCleanLoss: number;
  minLossIncrease: number;
  /** Whether a token may be part of a trigram (the authors: its string holds a letter). */
  keepToken: (id: number) => boolean;
}

/** The interest of each position (0 where the clean loss is too high). */
export function interestOf(effect: ContextEffect, s: number, p: number, maxCleanLoss: number): number {
  const clean = effect.clean[s][p];
  if (clean > maxCleanLoss) return 0;
  return Math.min(effect.total[s][p] - clean, effect.indirectRemoved[s][p] - clean);
}

/** Distinct trigrams, strongest first (ties: more positions, then token ids). */
export function mineTrigrams(sequences: readonly (readonly number[])[], effect: ContextEffect, options: MineOptions): MinedTrigram[] {
  const found = new Map<string, MinedTrigram>();
  sequences.forEach((tokens, s) => {
    for (let p = 3; p < tokens.length - 1; p++) {
      const interest = interestOf(effect, s, p, options.maxCleanLoss);
      if (!(interest > options.minLossIncrease)) continue;
      const tri: [number, number, number] = [tokens[p - 1], tokens[p], tokens[p + 1]];
      if (!tri.every(options.keepToken)) continue;
      const key = tri.join(',');
      const seen = found.get(key);
      if (!seen) found.set(key, { tokens: tri, count: 1, interest, example: { sequence: s, position: p + 1 } });
      else {
        seen.count++;
        if (interest > seen.interest) {
          seen.interest = interest;
          seen.example = { sequence: s, position: p + 1 };
        }
      }
    }
  });
  return [...found.values()].sort((a, b) => b.interest - a.interest || b.count - a.count || a.tokens.join(',').localeCompare(b.tokens.join(',')));
}
