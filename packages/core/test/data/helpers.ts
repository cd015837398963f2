import type { Tokenizer } from '../../src/index.js';

/**
 * A byte-level tokenizer for data tests: token id = UTF-8 byte + 3, with <unk>=0, BOS=1, EOS=2 (the
 * llama2.c id layout). Simple enough that expected windows can be written down by hand.
 */
export function byteTokenizer(opts: { bos?: boolean; eos?: boolean } = {}): Tokenizer {
  const bos = opts.bos === false ? null : 1;
  const eos = opts.eos === false ? null : 2;
  return {
    vocabSize: 259,
    bosTokenId: bos,
    eosTokenId: eos,
    encode(text, options) {
      const ids = Array.from(Buffer.from(text, 'utf8'), (b) => b + 3);
      return (options?.addBos ?? true) && bos !== null ? [bos, ...ids] : ids;
    },
    decode: (ids) => Buffer.from(ids.filter((i) => i >= 3).map((i) => i - 3)).toString('utf8'),
    tokenString: (id) => (id < 3 ? ['<unk>', '<s>', '</s>'][id] : String.fromCharCode(id - 3)),
  };
}

/** Ids of an ASCII string under byteTokenizer. */
export const ids = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0) + 3);
