/**
 * Which positions the ablation scores (the authors' `filter_entropy_activation_df`): not positions < 3,
 * not the last position of a window (it has no next token), not BOS / EOS / newline tokens and not the
 * token before one of them.
 */
import type { HookedTransformer } from '@marr/core';

export const FIRST_SCORED_POSITION = 3;

/** The ids treated like BOS: BOS, EOS and the newline token(s) of the tokenizer, when it has them. */
export function boundaryTokens(model: HookedTransformer): Set<number> {
  const out = new Set<number>();
  const { bosTokenId, eosTokenId } = model.config;
  const tok = model.tokenizer;
  for (const id of [bosTokenId, eosTokenId, tok?.bosTokenId ?? null, tok?.eosTokenId ?? null]) if (id !== null && id !== undefined) out.add(id);
  if (tok) {
    for (const id of tok.encode('\n', { addBos: false })) {
      const s = tok.tokenString(id);
      if (s.includes('\n') || s === '<0x0A>') out.add(id);
    }
  }
  return out;
}

/** Flat indices (window * T + position) of the scored positions. */
export function scoredPositions(windows: readonly (readonly number[])[], boundary: ReadonlySet<number>): Int32Array {
  const out: number[] = [];
  windows.forEach((w, i) => {
    const T = w.length;
    for (let p = FIRST_SCORED_POSITION; p < T - 1; p++) {
      if (boundary.has(w[p]) || boundary.has(w[p + 1])) continue;
      out.push(i * T + p);
    }
  });
  return Int32Array.from(out);
}
