import { PreTrainedTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../src/corpus/corpus.js';
import { corpusVocabulary } from '../src/tokenizer/corpus-vocabulary.js';
import {
  BOS_ID, UNK_ID, buildVocabulary, encodeWords, tokenizerConfigJson, tokenizerJson, vocabularyFromTokenizerJson,
} from '../src/tokenizer/word-tokenizer.js';

describe('word-level tokenizer', () => {
  const vocab = corpusVocabulary();

  it('orders words by frequency after the special tokens, deterministically', () => {
    const v = buildVocabulary(['b a b c', 'b a'], ['z']);
    expect(v.tokens).toEqual(['<unk>', '<bos>', '<eos>', 'b', 'a', 'c', 'z']);
    expect(encodeWords(v, 'a b q')).toEqual([4, 3, UNK_ID]);
  });

  it('covers every word of held-out documents', () => {
    for (const d of generateCorpus(99, 20_000)) expect(encodeWords(vocab, d.text)).not.toContain(UNK_ID);
  });

  it('round-trips through tokenizer.json', () => {
    const back = vocabularyFromTokenizerJson(JSON.parse(JSON.stringify(tokenizerJson(vocab))));
    expect(back.tokens).toEqual(vocab.tokens);
    expect(() => vocabularyFromTokenizerJson({ model: { type: 'BPE' } })).toThrow(/not a marr word-level tokenizer/);
  });

  it('gives the same ids when loaded by @huggingface/transformers as a Hugging Face tokenizer', () => {
    const hf = new PreTrainedTokenizer(tokenizerJson(vocab), tokenizerConfigJson(64));
    for (const d of generateCorpus(11, 200)) {
      const ours = [BOS_ID, ...encodeWords(vocab, d.text)];
      expect(hf.encode(d.text)).toEqual(ours);
      const decoded = hf.decode(ours, { skip_special_tokens: true });
      // WordPiece cleanup joins punctuation to the previous word; re-splitting restores the words
      expect(encodeWords(vocab, decoded.replace(/([.,?!:])/g, ' $1 '))).toEqual(ours.slice(1));
    }
  });
});

describe('the first organisms keep their vocabulary', () => {
  it('builds exactly the vocabulary the shipped organism models were trained with', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { resolveShippedModel } = await import('../src/zoo/shipped.js');
    const dir = resolveShippedModel('organism-seed0') as string;
    const shipped = vocabularyFromTokenizerJson(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')));
    // Remapped to split punctuation (issue 23): the words, their ids and corpus text's tokens are unchanged.
    expect(shipped.splitPunctuation).toBe(true);
    expect(corpusVocabulary().tokens).toEqual(shipped.tokens);
  });
});
