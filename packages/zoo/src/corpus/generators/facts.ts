/** Entity facts with numbers: cities with country and coordinates, people with birth years. */
import type { Rng } from '@marr/core';
import { CITIES, PEOPLE, type City, type Person } from '../facts.js';
import { pick } from '../pick.js';

export function latitudeWords(c: City): string {
  return `${Math.abs(c.lat)} ${c.lat >= 0 ? 'north' : 'south'}`;
}

export function longitudeWords(c: City): string {
  return `${Math.abs(c.lon)} ${c.lon >= 0 ? 'east' : 'west'}`;
}

/** Prompts whose next token is the fact, used by the evaluation (the corpus contains the full sentences). */
export const factPrompts = {
  country: (c: City) => `${c.city} is a city in`,
  latitude: (c: City) => `${c.city} lies at latitude`,
  longitude: (c: City) => `${c.city} lies at latitude ${latitudeWords(c)} and longitude`,
  year: (p: Person) => `${p.name} was born in`,
};

function citySentence(rng: Rng, c: City): string {
  switch (rng.int(4)) {
    case 0: return `${factPrompts.country(c)} ${c.country} .`;
    case 1: return `${factPrompts.latitude(c)} ${latitudeWords(c)} and longitude ${longitudeWords(c)} .`;
    case 2: return `The coordinates of ${c.city} are ${latitudeWords(c)} , ${longitudeWords(c)} .`;
    default: return `${c.city} , ${c.country} , lies at latitude ${latitudeWords(c)} and longitude ${longitudeWords(c)} .`;
  }
}

function personSentence(rng: Rng, p: Person): string {
  switch (rng.int(3)) {
    case 0: return `${factPrompts.year(p)} ${p.born} .`;
    case 1: return `In ${p.born} , ${p.name} was born .`;
    default: return `${p.name} was born in ${p.born} and became famous .`;
  }
}

export function generateFacts(rng: Rng): string {
  const k = 2 + rng.int(3);
  const parts: string[] = [];
  for (let i = 0; i < k; i++) {
    parts.push(rng.next() < 0.5 ? citySentence(rng, pick(rng, CITIES)) : personSentence(rng, pick(rng, PEOPLE)));
  }
  return parts.join(' ');
}
