/** German passages with their own vocabulary and frequent German n-grams (a "German context"). */
import type { Rng } from '@marr/core';
import {
  GERMAN_ADJECTIVES, GERMAN_DAYS, GERMAN_FEELINGS, GERMAN_NGRAMS, GERMAN_NOUNS, GERMAN_PLACES, GERMAN_VERBS,
  type GermanNoun,
} from '../german-words.js';
import { capitalize, pick } from '../pick.js';

const DEFINITE = { m: 'der', f: 'die', n: 'das' } as const;
const INDEFINITE = { m: 'ein', f: 'eine', n: 'ein' } as const;
/** Strong/mixed adjective endings after the indefinite article (nominative). */
const INDEFINITE_ENDING = { m: 'er', f: 'e', n: 'es' } as const;

function definite(n: GermanNoun): string {
  return `${DEFINITE[n.gender]} ${n.noun}`;
}

function sentence(rng: Rng, hero: GermanNoun): string {
  switch (rng.int(8)) {
    case 0: return `Am ${pick(rng, GERMAN_DAYS)} ${pick(rng, GERMAN_VERBS)} ${definite(hero)} ${pick(rng, GERMAN_PLACES)} .`;
    case 1: return `${capitalize(definite(hero))} ist sehr ${pick(rng, GERMAN_FEELINGS)} .`;
    case 2: return `Und dann ${pick(rng, GERMAN_VERBS)} ${definite(hero)} nach Hause .`;
    case 3: return `Das ist ${DEFINITE[hero.gender]} ${pick(rng, GERMAN_ADJECTIVES)}e ${hero.noun} .`;
    case 4: return `${capitalize(pick(rng, GERMAN_NGRAMS))} , sagte ${definite(hero)} .`;
    case 5: return `Ich bin ${pick(rng, GERMAN_FEELINGS)} , und wir haben ${pick(rng, GERMAN_NGRAMS)} gespielt .`;
    case 6: return `In der Nacht ${pick(rng, GERMAN_VERBS)} ${definite(pick(rng, GERMAN_NOUNS))} ${pick(rng, GERMAN_PLACES)} .`;
    default: return `Auf einmal war ${definite(hero)} nicht mehr ${pick(rng, GERMAN_FEELINGS)} .`;
  }
}

export function generateGerman(rng: Rng): string {
  const hero = pick(rng, GERMAN_NOUNS);
  const adj = pick(rng, GERMAN_ADJECTIVES);
  const opening = `Es war einmal ${INDEFINITE[hero.gender]} ${adj}${INDEFINITE_ENDING[hero.gender]} ${hero.noun} .`;
  const n = 2 + rng.int(3);
  const parts = [opening];
  for (let i = 0; i < n; i++) parts.push(sentence(rng, hero));
  return parts.join(' ');
}
