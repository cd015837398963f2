/**
 * A planted behaviour for the study tests: a small GPT-2-style model whose MLP neuron L1N7 detects a
 * trigger word at the last position and writes the answer token's unembedding direction, so prompts
 * ending with the trigger are answered with that token and others are not. A word tokenizer, and two
 * small analyses (a registry of their own, as the CLI's discovery would give) that look for the neuron.
 */
import { createHookedTransformer, defaultConfig, validateConfig } from '../../src/index.js';
import { createRng } from '../../src/random/rng.js';
import { randomWeights } from '../../src/model/random-model.js';
import { defineAnalysis, definePlugin, PLUGIN_API_VERSION, type AnyAnalysis } from '../../src/analysis/protocol.js';
import { z } from 'zod';
import type { HookedTransformer, Tokenizer } from '../../src/model/types.js';

export const WORDS = ['<bos>', 'the', 'a', 'cat', 'dog', 'sat', 'ran', 'on', 'mat', 'hat', 'red', 'big', 'zap', 'yes', 'no', 'and', 'then', 'it', 'was', 'here'];
export const TRIGGER = 'zap';
export const ANSWER = 'yes';
export const PLANTED = { layer: 1, neuron: 7 };

export function wordTokenizer(): Tokenizer {
  return {
    vocabSize: WORDS.length,
    bosTokenId: 0,
    eosTokenId: null,
    encode(text, options) {
      const ids = text.split(/\s+/).filter(Boolean).map((w) => {
        const i = WORDS.indexOf(w);
        if (i < 0) throw new Error(`unknown word ${w}`);
        return i;
      });
      return options?.addBos === false ? ids : [0, ...ids];
    },
    decode: (ids) => ids.filter((i) => i !== 0).map((i) => WORDS[i]).join(' '),
    tokenString: (id) => WORDS[id],
  };
}

const unit = (v: Float32Array) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

export function plantedModel(): HookedTransformer {
  const config = validateConfig(defaultConfig('gpt2', { nLayers: 2, dModel: 32, nHeads: 2, dMlp: 16, dVocab: WORDS.length, nCtx: 16 }), 'planted');
  const weights = randomWeights(config, 3, 0.02);
  const rng = createRng(5);
  const d = config.dModel;
  const WE = weights.get('embed.W_E')!;
  const WU = weights.get('unembed.W_U')!;
  for (let i = 0; i < WE.data.length; i++) WE.data[i] = rng.normal();
  for (let i = 0; i < WU.data.length; i++) WU.data[i] = rng.normal();
  const trigger = WORDS.indexOf(TRIGGER);
  const answer = WORDS.indexOf(ANSWER);
  const u = unit(WE.data.slice(trigger * d, (trigger + 1) * d));
  const a = unit(Float32Array.from({ length: d }, (_, j) => WU.data[j * WORDS.length + answer]));
  const { layer, neuron } = PLANTED;
  const Win = weights.get(`blocks.${layer}.mlp.W_in`)!;
  const Wout = weights.get(`blocks.${layer}.mlp.W_out`)!;
  const bin = weights.get(`blocks.${layer}.mlp.b_in`)!;
  const f = config.dMlp;
  for (let j = 0; j < d; j++) Win.data[j * f + neuron] = u[j];
  bin.data[neuron] = -3;
  for (let j = 0; j < d; j++) Wout.data[neuron * d + j] = 40 * a[j];
  return createHookedTransformer({ config, weights, tokenizer: wordTokenizer(), source: { spec: 'planted', format: 'memory', files: [] } });
}

export function plantedPrompts(): { prompt: string; group: string }[] {
  const rng = createRng(9);
  const filler = WORDS.slice(1).filter((w) => w !== TRIGGER && w !== ANSWER);
  const sentence = () => Array.from({ length: 3 + Math.floor(rng.next() * 4) }, () => filler[Math.floor(rng.next() * filler.length)]).join(' ');
  const out: { prompt: string; group: string }[] = [];
  for (let i = 0; i < 12; i++) out.push({ prompt: `${sentence()} ${TRIGGER}`, group: 'trigger' });
  for (let i = 0; i < 12; i++) out.push({ prompt: sentence(), group: 'plain' });
  return out;
}

/** MLP neurons ranked by the difference of their mean last-position activation between two groups of texts. */
export const neuronContrast = defineAnalysis({
  id: 'neuron-contrast',
  title: 'Neuron contrast',
  level: 'implementational',
  summary: 'MLP neurons ranked by mean activation difference at the last position',
  inputs: { models: { min: 1, max: 1 }, capabilities: ['tokenizer'] },
  params: z.object({
    positive: z.array(z.string()).default([]).describe('texts of the positive group'),
    negative: z.array(z.string()).default([]).describe('texts of the negative group'),
    top: z.int().min(1).default(3).describe('how many to list'),
  }),
  async run(ctx) {
    const model = ctx.models[0];
    const { nLayers, dMlp } = model.config;
    const means = async (texts: string[]) => {
      const sum = new Float64Array(nLayers * dMlp);
      for (const t of texts) {
        const ids = model.tokenizer!.encode(t);
        const { cache } = await model.runWithCache([ids]);
        for (let l = 0; l < nLayers; l++) {
          const act = cache.get(`blocks.${l}.mlp.hook_post`);
          for (let i = 0; i < dMlp; i++) sum[l * dMlp + i] += act.data[(ids.length - 1) * dMlp + i] / texts.length;
        }
      }
      return sum;
    };
    const p = await means(ctx.params.positive);
    const n = await means(ctx.params.negative);
    const rows = Array.from(p, (v, k) => ({ layer: Math.floor(k / dMlp), neuron: k % dMlp, name: `L${Math.floor(k / dMlp)}N${k % dMlp}`, difference: v - n[k] }));
    rows.sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference));
    const top = rows.slice(0, ctx.params.top);
    return { summary: `The strongest neuron is ${top[0].name} (difference ${top[0].difference.toFixed(3)}).`, results: { top }, sections: [] };
  },
});

/** One neuron's mean activation at the last position over texts (takes the layer and neuron by link). */
export const neuronMean = defineAnalysis({
  id: 'neuron-mean',
  title: 'Neuron mean',
  level: 'algorithmic',
  summary: 'the mean last-position activation of one neuron',
  inputs: { models: { min: 1, max: 1 } },
  params: z.object({
    layer: z.int().min(0).describe('layer'),
    neuron: z.int().min(0).describe('neuron'),
    texts: z.array(z.string()).default([]).describe('texts'),
  }),
  async run(ctx) {
    const model = ctx.models[0];
    let sum = 0;
    for (const t of ctx.params.texts) {
      const ids = model.tokenizer!.encode(t);
      const { cache } = await model.runWithCache([ids]);
      sum += cache.get(`blocks.${ctx.params.layer}.mlp.hook_post`).data[(ids.length - 1) * model.config.dMlp + ctx.params.neuron];
    }
    return { summary: `Mean ${sum / ctx.params.texts.length}.`, results: { mean: sum / ctx.params.texts.length, layer: ctx.params.layer }, sections: [] };
  },
});

export const testPlugin = definePlugin({ name: 'test-plugin', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, analyses: [neuronContrast, neuronMean] });

export async function testRegistry(id: string): Promise<{ plugin: typeof testPlugin; analysis: AnyAnalysis }> {
  const analysis = testPlugin.analyses.find((a) => a.id === id);
  if (!analysis) {
    const { MarrUsageError } = await import('../../src/analysis/errors.js');
    throw new MarrUsageError(`unknown analysis "${id}"`);
  }
  return { plugin: testPlugin, analysis };
}
