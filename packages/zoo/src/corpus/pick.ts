import type { Rng } from '@marr/core';

/** A uniformly random element of a non-empty list. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick: the list is empty');
  return items[rng.int(items.length)];
}

/** An integer uniformly in [lo, hi]. */
export function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

/** Upper-cases the first letter (sentence starts). */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** "a word" or "an word" by the first letter (good enough for the generator's word lists). */
export function article(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}
