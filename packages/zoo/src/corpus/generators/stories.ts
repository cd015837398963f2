/** Simple English stories: characters, objects, places, days of the week and months. */
import type { Rng } from '@marr/core';
import { ADJECTIVES, ANIMALS, CHARACTERS, DAYS, FEELINGS, MONTHS, OBJECTS, PLACES, type Character } from '../english-words.js';
import { article, capitalize, pick } from '../pick.js';

function otherCharacter(rng: Rng, not: Character): Character {
  for (;;) {
    const c = pick(rng, CHARACTERS);
    if (c.name !== not.name) return c;
  }
}

/** One sentence about `hero`; `friend` is a second character for sentences that need two. */
function storySentence(rng: Rng, hero: Character, friend: Character): string {
  const he = capitalize(hero.pronoun);
  switch (rng.int(10)) {
    case 0: return `On ${pick(rng, DAYS)} , ${hero.name} went to the ${pick(rng, PLACES)} .`;
    case 1: return `${he} had a ${pick(rng, ADJECTIVES)} ${pick(rng, OBJECTS)} .`;
    case 2: return `In ${pick(rng, MONTHS)} , ${hero.name} and ${friend.name} played in the ${pick(rng, PLACES)} .`;
    case 3: return `${hero.name} felt very ${pick(rng, FEELINGS)} .`;
    case 4: return `The ${pick(rng, ANIMALS)} ran to the ${pick(rng, PLACES)} .`;
    case 5: {
      // indirect-object sentences (the IOI pattern): the giver is the name repeated, the receiver the other
      const place = pick(rng, PLACES);
      return `When ${hero.name} and ${friend.name} went to the ${place} , ${friend.name} gave a ${pick(rng, OBJECTS)} to ${hero.name} .`;
    }
    case 6: return `${hero.name} saw a ${pick(rng, ANIMALS)} on ${pick(rng, DAYS)} .`;
    case 7: return `${he} found a ${pick(rng, OBJECTS)} in the ${pick(rng, PLACES)} and gave it to ${friend.name} .`;
    case 8: return `Every ${pick(rng, DAYS)} , ${hero.name} read a book with ${hero.possessive} friend ${friend.name} .`;
    default: return `${friend.name} said that ${hero.possessive} ${pick(rng, OBJECTS)} was ${pick(rng, ADJECTIVES)} .`;
  }
}

export function generateStory(rng: Rng): string {
  const hero = pick(rng, CHARACTERS);
  const friend = otherCharacter(rng, hero);
  const n = 2 + rng.int(3);
  const sentences = [`Once upon a time , there was ${article(pick(rng, FEELINGS))} child named ${hero.name} .`];
  for (let i = 0; i < n; i++) sentences.push(storySentence(rng, hero, friend));
  return sentences.join(' ');
}
