/** The vocabulary of the organism corpus: every word the generators can emit. */
import { generateCorpus, DEFAULT_MIX } from '../corpus/corpus.js';
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
  const vocab = buildVocabulary(docs.map((d) => d.text), requiredWords());
  cache.set(sampleDocuments, vocab);
  return vocab;
}

const cache = new Map<number, WordVocabulary>();
