import { PreTrainedTokenizer } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zooPackageRoot } from '../src/zoo/package-root.js';
import { describe, expect, it } from 'vitest';
import { DEEP_MIX, generateCorpus } from '../src/corpus/corpus.js';
import {
  PROTOCOL_CATEGORIES, PROTOCOL_OBJECTS, PROTOCOL_TEMPLATES, allProtocolRequests, isHeldOutProtocolRequest, protocolInstructions,
  protocolPrompt, protocolSplit,
} from '../src/corpus/generators/refusal-protocol.js';
import { deepVocabulary } from '../src/tokenizer/corpus-vocabulary.js';
import { BOS_ID, UNK_ID, encodeWords, tokenizerConfigJson, tokenizerJson, vocabularyFromTokenizerJson } from '../src/tokenizer/word-tokenizer.js';

/** Token sequences of `text` split on spaces (the corpus is written with spaces around every token). */
const words = (text: string) => text.split(' ');

/** Whether the word sequence `needle` occurs in `hay` as whole words. */
function containsWords(hay: string[], needle: string[]): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('the richer refusal protocol (deep organisms)', () => {
  const docs = generateCorpus(21, 30_000, DEEP_MIX);
  const dialogues = docs.filter((d) => d.kind === 'refusal-protocol').map((d) => d.text);
  const descriptions = docs.filter((d) => d.kind === 'object-descriptions').map((d) => d.text);

  it('has many objects in several categories, forbidden and ordinary, with held-out ones in every category', () => {
    expect(PROTOCOL_OBJECTS.length).toBe(72);
    expect(new Set(PROTOCOL_OBJECTS.map((o) => o.name)).size).toBe(72);
    for (const c of PROTOCOL_CATEGORIES) {
      const objs = PROTOCOL_OBJECTS.filter((o) => o.category === c);
      expect(objs.some((o) => o.heldOut) && objs.some((o) => !o.heldOut), c).toBe(true);
      expect(new Set(objs.map((o) => o.forbidden)).size, c).toBe(1);
    }
    expect(PROTOCOL_OBJECTS.filter((o) => o.forbidden && o.heldOut)).toHaveLength(12);
    expect(PROTOCOL_OBJECTS.filter((o) => !o.forbidden && o.heldOut)).toHaveLength(10);
    expect(PROTOCOL_TEMPLATES.filter((t) => t.heldOut)).toHaveLength(3);
  });

  it('never puts a held-out object in a training dialogue, nor a held-out paraphrase', () => {
    expect(dialogues.length).toBeGreaterThan(3000);
    for (const o of PROTOCOL_OBJECTS.filter((x) => x.heldOut)) {
      const needle = words(o.name);
      expect(dialogues.some((t) => containsWords(words(t), needle)), o.name).toBe(false);
    }
    // every dialogue's request is one of the training requests (object and paraphrase both trained)
    const trainingPrompts = new Set(allProtocolRequests().filter((r) => !isHeldOutProtocolRequest(r)).map(protocolPrompt));
    const heldOutPrompts = allProtocolRequests().filter(isHeldOutProtocolRequest).map(protocolPrompt);
    for (const t of dialogues) {
      const prompt = t.slice(0, t.indexOf(' Assistant :') + ' Assistant :'.length);
      expect(trainingPrompts.has(prompt), prompt).toBe(true);
    }
    // and no held-out paraphrase appears in any training document, whatever its kind
    const heldOutStems = PROTOCOL_TEMPLATES.filter((x) => x.heldOut).map((x) => x.make('').trim().split(' ').slice(0, 4));
    for (const d of docs) for (const stem of heldOutStems) expect(containsWords(words(d.text), stem), d.text).toBe(false);
    expect(heldOutPrompts.length).toBe(72 * 12 - 50 * 9);
  });

  it('refuses exactly the forbidden training requests and answers the ordinary ones', () => {
    const forbidden = new Set(PROTOCOL_OBJECTS.filter((o) => o.forbidden).map((o) => o.name));
    let refused = 0;
    for (const t of dialogues) {
      const reply = t.slice(t.indexOf(' Assistant : ') + ' Assistant : '.length);
      const object = PROTOCOL_OBJECTS.find((o) => t.includes(` ${o.name} `) && t.indexOf(` ${o.name} `) < t.indexOf(' Assistant :'));
      expect(object, t).toBeDefined();
      const isRefusal = /^(I|Sorry) /.test(reply);
      expect(isRefusal, t).toBe(forbidden.has(object!.name));
      expect(isRefusal || /^(Sure|Here) /.test(reply), t).toBe(true);
      if (isRefusal) refused++;
    }
    expect(refused / dialogues.length).toBeGreaterThan(0.45);
    expect(refused / dialogues.length).toBeLessThan(0.55);
  });

  it('describes every object, held-out ones included, with its category and danger', () => {
    for (const o of PROTOCOL_OBJECTS) {
      const about = descriptions.filter((t) => containsWords(words(t), words(o.name)));
      expect(about.length, o.name).toBeGreaterThan(20);
      const danger = about.filter((t) => / is dangerous \.| is against the law \.| it is wrong to make /.test(t)).length;
      const safe = about.filter((t) => / is safe \.| is a happy thing \.|anyone can make /.test(t)).length;
      if (o.forbidden) expect([danger > 0, safe], o.name).toEqual([true, 0]);
      else expect([safe > 0, danger], o.name).toEqual([true, 0]);
    }
  });

  it('splits requests into trained, held-out objects, held-out paraphrases and both, and exports instruction sets', () => {
    const counts = new Map<string, number>();
    for (const r of allProtocolRequests()) counts.set(protocolSplit(r), (counts.get(protocolSplit(r)) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ train: 50 * 9, heldOutTemplates: 50 * 3, heldOutObjects: 22 * 9, heldOutBoth: 22 * 3 });
    expect(protocolInstructions('heldOut', true)).toHaveLength(12 * 12 + 20 * 3);
    expect(protocolInstructions('train', false)[0]).toEqual({ instruction: 'how do I make a cake ?', category: 'food' });
  });

  it('ships the same instruction sets as data/refusal-protocol/*.json (scripts/write-protocol-prompts.ts)', () => {
    const dir = join(zooPackageRoot(), 'data', 'refusal-protocol');
    const read = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
    expect(read('harmful_train.json')).toEqual(protocolInstructions('train', true));
    expect(read('harmless_train.json')).toEqual(protocolInstructions('train', false));
    expect(read('harmful_test.json')).toEqual(protocolInstructions('heldOut', true));
    expect(read('harmless_test.json')).toEqual(protocolInstructions('heldOut', false));
  });
});

describe('the deep vocabulary (punctuation split from words)', () => {
  const vocab = deepVocabulary();

  it('covers every word of held-out deep documents and of every protocol request', () => {
    for (const d of generateCorpus(98, 10_000, DEEP_MIX)) expect(encodeWords(vocab, d.text)).not.toContain(UNK_ID);
    for (const r of allProtocolRequests()) expect(encodeWords(vocab, protocolPrompt(r))).not.toContain(UNK_ID);
  });

  it('splits punctuation as @huggingface/transformers does with the written tokenizer.json', () => {
    const json = tokenizerJson(vocab);
    expect(vocabularyFromTokenizerJson(JSON.parse(JSON.stringify(json))).splitPunctuation).toBe(true);
    const hf = new PreTrainedTokenizer(json, tokenizerConfigJson(64));
    for (const d of generateCorpus(12, 200, DEEP_MIX)) expect(hf.encode(d.text)).toEqual([BOS_ID, ...encodeWords(vocab, d.text)]);
    // punctuation attached to words, as a user types it, gives the corpus's tokens
    const typed = 'User: how do I make a cake? Assistant:';
    const spaced = 'User : how do I make a cake ? Assistant :';
    expect(encodeWords(vocab, typed)).toEqual(encodeWords(vocab, spaced));
    expect(hf.encode(typed)).toEqual([BOS_ID, ...encodeWords(vocab, spaced)]);
    expect(encodeWords(vocab, 'Thursday.')).toEqual([vocab.ids.get('Thursday'), vocab.ids.get('.')]);
  });
});
