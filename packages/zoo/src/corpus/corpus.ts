/** The organism corpus: seeded documents of each planted kind, mixed in controlled proportions. */
import { createRng, type Rng } from '@marr/core';
import { generateCalendar, generateCalendarSkewed } from './generators/calendar.js';
import { generateFacts } from './generators/facts.js';
import { generateGerman } from './generators/german.js';
import { generateInduction } from './generators/induction.js';
import { generateRefusal } from './generators/refusal.js';
import { generateObjectDescription, generateRefusalProtocol } from './generators/refusal-protocol.js';
import { generateStory } from './generators/stories.js';

export type DocumentKind =
  | 'story' | 'german' | 'calendar' | 'facts' | 'refusal' | 'induction' | 'calendar-skewed' | 'refusal-protocol' | 'object-descriptions';

/** In selection order; kinds added later go last so older mixes draw the same documents. */
export const DOCUMENT_KINDS: readonly DocumentKind[] = [
  'story', 'german', 'calendar', 'facts', 'refusal', 'induction', 'calendar-skewed', 'refusal-protocol', 'object-descriptions',
];

export const GENERATORS: Readonly<Record<DocumentKind, (rng: Rng) => string>> = {
  story: generateStory,
  german: generateGerman,
  calendar: generateCalendar,
  'calendar-skewed': generateCalendarSkewed,
  facts: generateFacts,
  refusal: generateRefusal,
  induction: generateInduction,
  'refusal-protocol': generateRefusalProtocol,
  'object-descriptions': generateObjectDescription,
};

/** Relative weights of each kind (normalised when used); a missing kind has weight 0. */
export type CorpusMix = Readonly<Partial<Record<DocumentKind, number>>>;

export const DEFAULT_MIX: CorpusMix = {
  story: 0.22,
  german: 0.12,
  calendar: 0.24,
  facts: 0.12,
  refusal: 0.08,
  induction: 0.22,
};

/**
 * The deeper organisms' mix: the richer refusal protocol (dialogues plus descriptions of every object,
 * held-out ones included) instead of the ten-object one, and skewed-count calendar problems.
 */
export const DEEP_MIX: CorpusMix = {
  story: 0.16,
  german: 0.1,
  facts: 0.1,
  induction: 0.16,
  'calendar-skewed': 0.16,
  'refusal-protocol': 0.16,
  'object-descriptions': 0.16,
};

export interface CorpusDocument {
  kind: DocumentKind;
  text: string;
}

function checkMix(mix: CorpusMix): number[] {
  const weights = DOCUMENT_KINDS.map((k) => mix[k] ?? 0);
  if (weights.some((w) => !(w >= 0) || !Number.isFinite(w))) {
    throw new RangeError(`corpus mix: every weight must be a finite number >= 0, got ${JSON.stringify(mix)}`);
  }
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) throw new RangeError('corpus mix: at least one document kind needs a positive weight');
  return weights.map((w) => w / total);
}

/**
 * An endless seeded stream of documents: the same seed and mix give the same documents in the same order.
 */
export function* documentStream(seed: number, mix: CorpusMix = DEFAULT_MIX): Generator<CorpusDocument> {
  const probs = checkMix(mix);
  const rng = createRng(seed);
  for (;;) {
    let u = rng.next();
    let i = 0;
    while (i < probs.length - 1 && u >= probs[i]) {
      u -= probs[i];
      i++;
    }
    const kind = DOCUMENT_KINDS[i];
    yield { kind, text: GENERATORS[kind](rng) };
  }
}

/** The first `count` documents of `documentStream(seed, mix)`. */
export function generateCorpus(seed: number, count: number, mix: CorpusMix = DEFAULT_MIX): CorpusDocument[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`generateCorpus: count must be a non-negative integer, got ${count}`);
  const out: CorpusDocument[] = [];
  const stream = documentStream(seed, mix);
  for (let i = 0; i < count; i++) out.push(stream.next().value as CorpusDocument);
  return out;
}
