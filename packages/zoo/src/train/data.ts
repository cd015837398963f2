/**
 * Training data: the organism corpus, tokenised and packed into one long token stream
 * (<bos> document <eos> <bos> document <eos> ...). Batch rows are consecutive windows of seq + 1 tokens,
 * so the data order is fixed by the seed.
 */
import { documentStream, type CorpusMix } from '../corpus/corpus.js';
import { BOS_ID, EOS_ID, encodeWords, type WordVocabulary } from '../tokenizer/word-tokenizer.js';

/** At least `count` tokens of the packed corpus stream for `seed`. */
export function packedTokens(vocab: WordVocabulary, seed: number, mix: CorpusMix, count: number): Int32Array {
  const out = new Int32Array(count);
  let n = 0;
  for (const doc of documentStream(seed, mix)) {
    const ids = [BOS_ID, ...encodeWords(vocab, doc.text), EOS_ID];
    for (const id of ids) {
      if (n === count) return out;
      out[n++] = id;
    }
  }
  return out;
}

/** The batch for `step`: tokens [batch, seq] and next-token targets, from windows of the stream. */
export function batchAt(stream: Int32Array, step: number, batch: number, seq: number): { tokens: Int32Array; targets: Int32Array } {
  const tokens = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  const windows = Math.floor((stream.length - 1) / seq);
  if (windows < 1) throw new RangeError(`batchAt: the token stream (${stream.length}) is shorter than one window of ${seq + 1}`);
  for (let b = 0; b < batch; b++) {
    const start = ((step * batch + b) % windows) * seq;
    tokens.set(stream.subarray(start, start + seq), b * seq);
    targets.set(stream.subarray(start + 1, start + seq + 1), b * seq);
  }
  return { tokens, targets };
}
