/**
 * Ragged prompts as one left-padded batch with its attention mask (what `toTokens` returns and `run`
 * accepts as it is).
 */
import type { TokenBatch, TokenInput } from './types.js';

/** Left-pads rows of token ids to the longest with `padId`; the mask is 0 on padding, 1 on tokens. */
export function leftPad(rows: readonly (readonly number[])[], padId: number): TokenBatch {
  const T = Math.max(...rows.map((r) => r.length));
  if (T === 0) throw new RangeError('toTokens: every prompt is empty; pass text that encodes to at least one token');
  const tokens = rows.map((r) => [...new Array<number>(T - r.length).fill(padId), ...r]);
  const attentionMask = rows.map((r) => [...new Array<number>(T - r.length).fill(0), ...new Array<number>(r.length).fill(1)]);
  return { tokens, attentionMask, lengths: rows.map((r) => r.length) };
}

export function isTokenBatch(x: TokenInput | TokenBatch): x is TokenBatch {
  return !Array.isArray(x) && typeof x === 'object' && x !== null && 'attentionMask' in x && 'tokens' in x;
}
