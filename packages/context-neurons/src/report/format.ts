/** Number formatting and token display for reports. */
import type { HookedTransformer } from '@marr/core';

export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return String(x);
  return x.toFixed(digits);
}

export function signed(x: number, digits = 3): string {
  return `${x >= 0 ? '+' : ''}${fmt(x, digits)}`;
}

export function neuronName(n: { layer: number; neuron: number }): string {
  return `L${n.layer}N${n.neuron}`;
}

/** Display strings of token ids (the tokenizer's, else t<id>); renderers escape them. */
export function tokenStrings(model: HookedTransformer, ids: readonly number[]): string[] {
  const tok = model.tokenizer;
  return ids.map((id) => (tok ? tok.tokenString(id) : `t${id}`));
}

/** A trigram as one readable string: its tokens joined by spaces, as the tokenizer shows them. */
export function trigramText(model: HookedTransformer, ids: readonly number[]): string {
  return tokenStrings(model, ids).map((s) => s.trim() || s).join(' ');
}

/**
 * Token strings for running text: as they are when the tokenizer marks word starts (a leading space,
 * ▁ or Ġ), else each followed by a space (word-level vocabularies, t<id> names) so words stay apart.
 */
export function displayTokens(model: HookedTransformer, ids: readonly number[]): string[] {
  const strings = tokenStrings(model, ids);
  const marked = strings.some((s) => /^[\s\u2581\u0120]/.test(s));
  return marked ? strings : strings.map((s) => `${s} `);
}
