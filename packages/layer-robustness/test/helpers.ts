/** Test helpers: small seeded models, a character tokenizer, and independent metric computations. */
import { createHookedTransformer, logSoftmax, randomWeights, defaultConfig, type Architecture, type Float32Tensor, type HookedTransformer, type ModelConfig, type Tokenizer } from '@marr/core';

export const small = (architecture: Architecture, nLayers = 4, overrides: Partial<ModelConfig> = {}) =>
  defaultConfig(architecture, { nLayers, dModel: 32, nHeads: 4, dMlp: 48, dVocab: 40, nCtx: 64, bosTokenId: 1, eosTokenId: 2, ...overrides });

/**
 * A small seeded model. Tiny models run on the reference kernels by default: ONNX Runtime's per-kernel
 * compile time dominates at this size (the real-model test and the benchmark use ONNX Runtime).
 */
export function model(
  architecture: Architecture,
  seed = 3,
  nLayers = 4,
  std = 0.3,
  backend: 'reference' | 'onnxruntime' = 'reference',
  overrides: Partial<ModelConfig> = {},
): HookedTransformer {
  const config = small(architecture, nLayers, overrides);
  return createHookedTransformer({ config, weights: randomWeights(config, seed, std), tokenizer: charTokenizer(config.dVocab), backend });
}

/** Windows of seeded token ids, BOS first. */
export function windows(count: number, length: number, vocab: number, seed = 1): number[][] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648), s);
  return Array.from({ length: count }, () => [1, ...Array.from({ length: length - 1 }, () => 3 + (next() % (vocab - 3)))]);
}

/** Lowercase letters and a few symbols; ids 0..2 are unk, BOS, EOS. */
export function charTokenizer(vocabSize: number): Tokenizer {
  const chars = ' abcdefghijklmnopqrstuvwxyz.,\n'.split('');
  return {
    vocabSize,
    bosTokenId: 1,
    eosTokenId: 2,
    encode(text, options) {
      const ids = [...text.toLowerCase()].map((c) => {
        const i = chars.indexOf(c);
        return i < 0 || i + 3 >= vocabSize ? 0 : i + 3;
      });
      return (options?.addBos ?? true) ? [1, ...ids] : ids;
    },
    decode: (ids) => ids.filter((i) => i > 2).map((i) => chars[i - 3] ?? '?').join(''),
    tokenString: (id) => (id > 2 ? chars[id - 3] ?? '?' : ['<unk>', '<s>', '</s>'][id]),
  };
}

export interface NaiveMetrics {
  kl: number;
  crossEntropy: number;
  crossEntropyOriginal: number;
  entropy: number;
  entropyOriginal: number;
  accuracy: number;
  accuracyOriginal: number;
  agreement: number;
  klValues: number[];
}

/**
 * The metrics computed the plain way, from two full logit tensors [B, T, V]: log-softmax by core's
 * reference op, then per scored position (t = 1..T-2) the textbook formulas.
 */
export function naiveMetrics(orig: Float32Tensor, inter: Float32Tensor, tokens: number[][]): NaiveMetrics {
  const [B, T, V] = orig.shape;
  const lo = logSoftmax(orig).data, li = logSoftmax(inter).data;
  const acc = { kl: 0, ce: 0, ceo: 0, h: 0, ho: 0, a: 0, ao: 0, ag: 0, n: 0 };
  const klValues: number[] = [];
  const argmax = (x: Float32Array, o: number) => {
    let best = 0;
    for (let j = 1; j < V; j++) if (x[o + j] > x[o + best]) best = j;
    return best;
  };
  for (let b = 0; b < B; b++)
    for (let t = 1; t <= T - 2; t++) {
      const o = (b * T + t) * V;
      const target = tokens[b][t + 1];
      let kl = 0, h = 0, ho = 0;
      for (let j = 0; j < V; j++) {
        const p = Math.exp(lo[o + j]), q = Math.exp(li[o + j]);
        kl += p * (lo[o + j] - li[o + j]);
        ho -= p * lo[o + j];
        h -= q * li[o + j];
      }
      klValues.push(kl);
      const ai = argmax(inter.data, o), ao = argmax(orig.data, o);
      acc.kl += kl;
      acc.ce -= li[o + target];
      acc.ceo -= lo[o + target];
      acc.h += h / Math.LN2;
      acc.ho += ho / Math.LN2;
      acc.a += ai === target ? 1 : 0;
      acc.ao += ao === target ? 1 : 0;
      acc.ag += ai === ao ? 1 : 0;
      acc.n++;
    }
  const n = acc.n;
  return {
    kl: acc.kl / n, crossEntropy: acc.ce / n, crossEntropyOriginal: acc.ceo / n, entropy: acc.h / n, entropyOriginal: acc.ho / n,
    accuracy: acc.a / n, accuracyOriginal: acc.ao / n, agreement: acc.ag / n, klValues,
  };
}

export const zerosLike = (t: Float32Tensor): Float32Tensor => ({ dtype: 'float32', shape: [...t.shape], data: new Float32Array(t.data.length) });
