/** The recipes marr trains its model organisms with. */
import { defaultConfig } from '@marr/core';
import { DEEP_MIX, DEFAULT_MIX } from './corpus/corpus.js';
import type { Recipe } from './train/recipe.js';

const organismConfig = (() => {
  const { dVocab: _v, bosTokenId: _b, eosTokenId: _e, ...rest } = defaultConfig('llama', {
    nLayers: 2, dModel: 96, nHeads: 4, nKvHeads: 2, dHead: 24, dMlp: 256, nCtx: 64, normEps: 1e-5,
  });
  return rest;
})();

/** The deeper organism: 6 layers of width 64 (4 query / 2 key-value heads of 16), SwiGLU d_mlp 256. */
const deepConfig = (() => {
  const { dVocab: _v, bosTokenId: _b, eosTokenId: _e, ...rest } = defaultConfig('llama', {
    nLayers: 6, dModel: 64, nHeads: 4, nKvHeads: 2, dHead: 16, dMlp: 256, nCtx: 64, normEps: 1e-5,
  });
  return rest;
})();

const base = {
  mix: DEFAULT_MIX,
  batch: 16,
  seq: 64,
  maxLr: 3e-3,
  minLr: 3e-4,
  warmup: 50,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  gradClip: 1,
};

export const recipes: Readonly<Record<string, Recipe>> = {
  organism: {
    ...base,
    name: 'organism',
    description: 'Llama-style organism (2 layers, width 96, 4 query / 2 key-value heads, SwiGLU) on the full planted-phenomena mix',
    config: organismConfig,
    steps: 3000,
    checkpoints: true,
  },
  'organism-calendar': {
    ...base,
    name: 'organism-calendar',
    description: 'the organism architecture on a calendar-heavy mix whose calendar counts are skewed toward one (so calendar arithmetic is learned)',
    config: organismConfig,
    mix: { story: 0.16, german: 0.1, facts: 0.1, refusal: 0.06, induction: 0.18, 'calendar-skewed': 0.4 },
    steps: 3000,
    checkpoints: false,
  },
  deep: {
    ...base,
    name: 'deep',
    description: 'the deeper organism (6 layers, width 64, 4 query / 2 key-value heads, SwiGLU 256) on the deep mix: the richer refusal protocol with held-out objects and paraphrases, skewed calendar problems, punctuation-splitting tokenizer; weights stored as F16',
    config: deepConfig,
    mix: DEEP_MIX,
    // 1200 steps (1.2M tokens): what four seeds could be given on the shared 2-core machine (load average ~15)
    steps: 1200,
    checkpoints: false,
    vocabulary: 'deep',
    storage: 'F16',
  },
  tiny: {
    ...base,
    name: 'tiny',
    description: 'A seconds-long Llama-style run for tests and smoke checks (1 layer, width 32)',
    config: (() => {
      const { dVocab: _v, bosTokenId: _b, eosTokenId: _e, ...rest } = defaultConfig('llama', {
        nLayers: 1, dModel: 32, nHeads: 2, nKvHeads: 1, dHead: 16, dMlp: 64, nCtx: 32,
      });
      return rest;
    })(),
    batch: 4,
    seq: 32,
    steps: 20,
    warmup: 5,
    checkpoints: true,
  },
  'tiny-gpt2': {
    ...base,
    name: 'tiny-gpt2',
    description: 'A seconds-long GPT-2-style run (LayerNorm, learned positions, GELU, biases) for tests',
    config: (() => {
      const { dVocab: _v, bosTokenId: _b, eosTokenId: _e, ...rest } = defaultConfig('gpt2', {
        nLayers: 1, dModel: 32, nHeads: 2, dHead: 16, dMlp: 64, nCtx: 32, tiedEmbeddings: false,
      });
      return rest;
    })(),
    batch: 4,
    seq: 32,
    steps: 20,
    warmup: 5,
    checkpoints: false,
  },
};

/** The recipe named `name`, or an error listing the available ones. */
export function getRecipe(name: string): Recipe {
  const r = recipes[name];
  if (!r) throw new Error(`unknown recipe "${name}"; available recipes: ${Object.keys(recipes).join(', ')}`);
  return r;
}
