/** Test helpers: a byte-level tokenizer and a small seeded random model that uses it. */
import { createHookedTransformer, defaultConfig, randomWeights, type HookedTransformer, type Tokenizer } from '@marr/core';

export const byteTokenizer: Tokenizer = {
  vocabSize: 258,
  bosTokenId: 256,
  eosTokenId: 257,
  encode(text, options) {
    const ids = [...Buffer.from(text, 'utf8')];
    return options?.addBos === false ? ids : [256, ...ids];
  },
  decode(ids) {
    return Buffer.from(ids.filter((i) => i < 256)).toString('utf8');
  },
  tokenString(id) {
    return id === 256 ? '<bos>' : id === 257 ? '<eos>' : String.fromCharCode(id);
  },
};

export function smallRandomModel(seed = 1): HookedTransformer {
  const config = defaultConfig('gpt2', { nLayers: 2, dModel: 32, nHeads: 4, dHead: 8, dMlp: 48, dVocab: 258, nCtx: 128, name: 'tiny' });
  return createHookedTransformer({
    config,
    weights: randomWeights(config, seed, 0.2),
    tokenizer: byteTokenizer,
    backend: 'reference',
    source: { spec: `random:tiny:${seed}`, format: 'random', files: [] },
  });
}
