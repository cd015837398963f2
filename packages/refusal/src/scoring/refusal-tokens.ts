/**
 * Refusal tokens: strings tokenized by the model (each must be one token). Defaults per model family as
 * in the authors' code (Llama-2 [306] "▁I", Llama-3 [40] "I", Gemma [235285] "I", Qwen [40, 2121] "I", "As").
 */
import { MarrUsageError, type HookedTransformer } from '@marr/core';

export const DEFAULT_REFUSAL_TOKENS = ['I'];
const FAMILY_DEFAULTS: { pattern: RegExp; tokens: string[] }[] = [{ pattern: /qwen/i, tokens: ['I', 'As'] }];

export function defaultRefusalTokens(model: HookedTransformer): string[] {
  const name = `${model.config.name ?? ''} ${model.source.spec}`;
  return FAMILY_DEFAULTS.find((f) => f.pattern.test(name))?.tokens ?? DEFAULT_REFUSAL_TOKENS;
}

/** The id of each string: the token the model would emit first when its reply starts with it. */
export function refusalTokenIds(model: HookedTransformer, tokens: readonly string[]): number[] {
  const tok = model.tokenizer!;
  return tokens.map((s) => {
    const ids = tok.encode(s, { addBos: false });
    if (ids.length !== 1) {
      const parts = ids.map((id) => JSON.stringify(tok.tokenString(id))).join(' + ');
      throw new MarrUsageError(
        `refusal token ${JSON.stringify(s)} is ${ids.length === 0 ? 'no token' : `${ids.length} tokens (${parts})`} for this tokenizer; pass --param refusalTokens=... with strings that are one token each`,
      );
    }
    return ids[0];
  });
}
