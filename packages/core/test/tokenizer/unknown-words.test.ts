/**
 * Issue 23: a word-level vocabulary turns unseen words into `<unk>` silently. The tokenizer warns once,
 * naming the words, and a punctuation-splitting pre-tokenizer keeps `Thursday.` a known word plus `.`.
 */
import { describe, expect, it } from 'vitest';
import { HfTokenizer } from '../../src/tokenizer/hf-tokenizer.js';

const vocab = { '<unk>': 0, '<bos>': 1, three: 2, days: 3, after: 4, Monday: 5, is: 6, Thursday: 7, '.': 8, ',': 9, Mädchen: 10 };
const wordLevel = (preTokenizer: object) => ({
  version: '1.0',
  added_tokens: [
    { id: 0, content: '<unk>', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false },
    { id: 1, content: '<bos>', special: true, single_word: false, lstrip: false, rstrip: false, normalized: false },
  ],
  normalizer: null,
  pre_tokenizer: preTokenizer,
  post_processor: null,
  decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
  model: { type: 'WordPiece', unk_token: '<unk>', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
});
const punctuationAware = {
  type: 'Sequence',
  pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Split', pattern: { Regex: '[.,:;?!]' }, behavior: 'Isolated', invert: false }],
};

describe('unknown words', () => {
  it('warns once per tokenizer, naming the words that became <unk>', async () => {
    const warnings: string[] = [];
    const tok = await HfTokenizer.fromJson(wordLevel({ type: 'WhitespaceSplit' }), {}, { defaultAddBos: false, onWarning: (m) => warnings.push(m) });
    expect(tok.unkTokenId).toBe(0);
    expect(tok.encode('three days after Monday is')).toEqual([2, 3, 4, 5, 6]);
    expect(warnings).toEqual([]);
    expect(tok.encode('three days after Monday is Thursday. Hello')).toEqual([2, 3, 4, 5, 6, 0, 0]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/"Thursday\.", "Hello"/);
    expect(warnings[0]).toMatch(/<unk>/);
    tok.encode('Hello again');
    expect(warnings).toHaveLength(1);
  });

  it('a punctuation-splitting pre-tokenizer keeps words with punctuation known, umlauts intact', async () => {
    const warnings: string[] = [];
    const tok = await HfTokenizer.fromJson(wordLevel(punctuationAware), {}, { defaultAddBos: false, onWarning: (m) => warnings.push(m) });
    expect(tok.encode('three days after Monday is Thursday.')).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(tok.encode('Mädchen, Thursday .')).toEqual([10, 9, 7, 8]);
    // Text already spaced as the corpus spaces it tokenizes exactly as before.
    expect(tok.encode('three days after Monday is Thursday .')).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(warnings).toEqual([]);
  });
});
