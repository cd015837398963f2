/** Word lists for the German passages: their own vocabulary, with genders so articles agree. */

export const GERMAN_DAYS = ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'] as const;

export interface GermanNoun {
  noun: string;
  gender: 'm' | 'f' | 'n';
}

export const GERMAN_NOUNS: readonly GermanNoun[] = [
  { noun: 'Hund', gender: 'm' }, { noun: 'Vogel', gender: 'm' }, { noun: 'Junge', gender: 'm' },
  { noun: 'König', gender: 'm' }, { noun: 'Bauer', gender: 'm' }, { noun: 'Fuchs', gender: 'm' },
  { noun: 'Katze', gender: 'f' }, { noun: 'Frau', gender: 'f' }, { noun: 'Prinzessin', gender: 'f' },
  { noun: 'Mutter', gender: 'f' }, { noun: 'Hexe', gender: 'f' }, { noun: 'Maus', gender: 'f' },
  { noun: 'Kind', gender: 'n' }, { noun: 'Mädchen', gender: 'n' }, { noun: 'Pferd', gender: 'n' },
  { noun: 'Schwein', gender: 'n' }, { noun: 'Männlein', gender: 'n' }, { noun: 'Reh', gender: 'n' },
];

/** Places with the accusative article for "in den/die/das ...". */
export const GERMAN_PLACES = [
  'in den Wald', 'in den Garten', 'in die Stadt', 'in die Schule', 'in das Haus', 'in das Dorf',
  'an den See', 'an den Fluss', 'auf den Berg', 'auf das Feld',
] as const;

export const GERMAN_VERBS = ['geht', 'läuft', 'fährt', 'kommt', 'eilt', 'wandert'] as const;

export const GERMAN_ADJECTIVES = ['klein', 'groß', 'alt', 'jung', 'schön', 'arm', 'müde', 'fröhlich'] as const;

export const GERMAN_FEELINGS = ['glücklich', 'traurig', 'müde', 'hungrig', 'froh', 'zufrieden'] as const;

/** Frequent German n-grams, dropped into passages so "German context" features have something to latch onto. */
export const GERMAN_NGRAMS = [
  'es war einmal', 'und dann', 'nicht mehr', 'ich bin', 'wir haben', 'das ist', 'auf einmal',
  'immer wieder', 'zu Hause', 'in der Nacht', 'am Morgen', 'gar nicht', 'noch nicht', 'sehr gut',
] as const;
