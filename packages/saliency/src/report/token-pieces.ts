/**
 * Tokens as they read in the text, for the highlighted strips: each token's piece of the decoded prompt
 * (so word-level tokenizers get their spaces back), or its display string where decoding drops it (BOS).
 */
import type { Tokenizer } from '@marr/core';

export function textPieces(tokenizer: Tokenizer, ids: readonly number[], display: readonly string[]): string[] {
  let before = '';
  return ids.map((_, i) => {
    const upTo = tokenizer.decode(ids.slice(0, i + 1));
    const piece = upTo.startsWith(before) ? upTo.slice(before.length) : '';
    before = upTo;
    return piece === '' ? display[i] : piece;
  });
}
