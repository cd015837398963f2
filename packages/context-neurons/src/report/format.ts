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
