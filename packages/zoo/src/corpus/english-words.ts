/** Word lists for the English stories and the calendar (all single tokens of the word-level vocabulary). */

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** Number words 1..12, index i is the word for i + 1. */
export const NUMBER_WORDS = [
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
] as const;

export interface Character {
  name: string;
  pronoun: 'he' | 'she';
  possessive: 'his' | 'her';
}

export const CHARACTERS: readonly Character[] = [
  ...['Lily', 'Mia', 'Anna', 'Sara', 'Emma', 'Lucy', 'Mary', 'Zoe', 'Rose', 'Kate'].map(
    (name): Character => ({ name, pronoun: 'she', possessive: 'her' }),
  ),
  ...['Tom', 'Ben', 'Max', 'Sam', 'John', 'Leo', 'Jack', 'Tim', 'Paul', 'Dan'].map(
    (name): Character => ({ name, pronoun: 'he', possessive: 'his' }),
  ),
];

export const OBJECTS = [
  'ball', 'book', 'cake', 'kite', 'hat', 'box', 'toy', 'cup', 'drum', 'apple',
  'flower', 'shell', 'stone', 'bike', 'boat', 'key', 'bag', 'doll', 'map', 'coin',
] as const;

export const PLACES = [
  'park', 'garden', 'school', 'beach', 'forest', 'shop', 'farm', 'river', 'lake', 'library',
  'kitchen', 'zoo', 'hill', 'store', 'market',
] as const;

export const ADJECTIVES = ['red', 'blue', 'green', 'big', 'small', 'shiny', 'old', 'new', 'soft', 'yellow'] as const;

export const FEELINGS = ['happy', 'sad', 'tired', 'excited', 'scared', 'proud', 'hungry', 'calm'] as const;

export const ANIMALS = ['dog', 'cat', 'bird', 'rabbit', 'duck', 'horse', 'fish', 'frog'] as const;
