/** The vocabulary of the organism corpus: every word the generators can emit. */
import { generateCorpus, DEEP_MIX, DEFAULT_MIX } from '../corpus/corpus.js';
import { protocolWords } from '../corpus/generators/refusal-protocol.js';
import { CITIES, PEOPLE } from '../corpus/facts.js';
import { INDUCTION_POOL } from '../corpus/generators/induction.js';
import { buildVocabulary, type WordVocabulary } from './word-tokenizer.js';

/** Words the generators can emit that a sample might miss (rare numbers, entity names). */
function requiredWords(): string[] {
  const words: string[] = [...INDUCTION_POOL];
  for (const c of CITIES) words.push(c.city, c.country, String(Math.abs(c.lat)), String(Math.abs(c.lon)));
  for (const p of PEOPLE) words.push(p.name, String(p.born));
  return words;
}

/** Frequencies from a fixed sample of the default mix (seed 0), plus every required word. */
export function corpusVocabulary(sampleDocuments = 20_000): WordVocabulary {
  const hit = cache.get(sampleDocuments);
  if (hit) return hit;
  const docs = generateCorpus(0, sampleDocuments, DEFAULT_MIX);
  // Punctuation is split from words (BertPreTokenizer): the corpus spaces it, so its tokens are the same,
  // and typed text such as `Thursday.` or `cake?` no longer becomes <unk>.
  const vocab = buildVocabulary(docs.map((d) => d.text), requiredWords(), { splitPunctuation: true });
  cache.set(sampleDocuments, vocab);
  return vocab;
}

const cache = new Map<number, WordVocabulary>();

/** The names of the vocabularies a recipe can ask for. */
export type VocabularyName = 'organism' | 'deep';

/**
 * The deeper organisms' vocabulary: frequencies from a fixed sample of DEEP_MIX (seed 0), plus every
 * required word and every word of the refusal protocol (held-out objects and paraphrases included), with
 * punctuation split from words.
 */
export function deepVocabulary(sampleDocuments = 20_000): WordVocabulary {
  const key = -sampleDocuments - 1;
  const hit = cache.get(key);
  if (hit) return hit;
  const docs = generateCorpus(0, sampleDocuments, DEEP_MIX);
  const vocab = buildVocabulary(docs.map((d) => d.text), [...requiredWords(), ...protocolWords()], { splitPunctuation: true });
  cache.set(key, vocab);
  return vocab;
}

/** The vocabulary called `name`. */
export function namedVocabulary(name: VocabularyName = 'organism'): WordVocabulary {
  return name === 'deep' ? deepVocabulary() : corpusVocabulary();
}
