/** Repeated random token sequences ("a b c ... a b c ..."), so induction heads form. */
import type { Rng } from '@marr/core';
import { ADJECTIVES, ANIMALS, OBJECTS, PLACES } from '../english-words.js';
import { GERMAN_ADJECTIVES, GERMAN_DAYS } from '../german-words.js';
import { pick } from '../pick.js';

/** The words repeated sequences are drawn from (ordinary vocabulary, so the tokens mean something elsewhere). */
export const INDUCTION_POOL: readonly string[] = [...OBJECTS, ...PLACES, ...ADJECTIVES, ...ANIMALS, ...GERMAN_ADJECTIVES, ...GERMAN_DAYS];

/** A random sequence of `length` words from the pool. */
export function randomSequence(rng: Rng, length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < length; i++) out.push(pick(rng, INDUCTION_POOL));
  return out;
}

export function generateInduction(rng: Rng): string {
  const seq = randomSequence(rng, 8 + rng.int(9));
  return [...seq, ...seq].join(' ');
}
