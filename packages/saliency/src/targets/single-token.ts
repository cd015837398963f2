/** A text that must be exactly one token of the model's vocabulary (an answer, a baseline token). */
import { MarrUsageError, type HookedTransformer } from '@marr/core';

export function singleTokenId(model: HookedTransformer, text: string, where: string, what: string): number {
  const tokenizer = model.tokenizer;
  if (!tokenizer) throw new MarrUsageError(`${where}: the model has no tokenizer, so the ${what} ${JSON.stringify(text)} cannot be read; load one with the model`);
  const ids = tokenizer.encode(text, { addBos: false });
  if (ids.length !== 1) {
    const parts = ids.map((id) => JSON.stringify(tokenizer.tokenString(id))).join(' + ');
    throw new MarrUsageError(
      `${where}: the ${what} ${JSON.stringify(text)} is ${ids.length === 0 ? 'no token' : `${ids.length} tokens (${parts})`}; it must be exactly one token (try a shorter word, or with/without a leading space)`,
    );
  }
  // A word outside the vocabulary encodes to the unknown token, which decodes to nothing like it.
  if (tokenizer.decode(ids).trim() !== text.trim()) {
    throw new MarrUsageError(`${where}: the ${what} ${JSON.stringify(text)} is not in the model's vocabulary (it becomes ${JSON.stringify(tokenizer.tokenString(ids[0]))}); use a word the model knows`);
  }
  return ids[0];
}
