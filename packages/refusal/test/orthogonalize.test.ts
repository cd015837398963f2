import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, loadModel, randomModel, type HookedTransformer } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { ablationHooks, orthogonalizedModel, orthogonalizeWeights, residualWriterNames, saveOrthogonalizedModel, unitVector, METHOD } from '../src/index.js';
import { defaultModel } from './helpers.js';

function randomDirection(d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return unitVector(Array.from({ length: d }, () => rng.normal()))!;
}

function tokens(model: HookedTransformer, n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return [0, 1].map(() => Array.from({ length: n }, () => rng.int(model.config.dVocab)));
}

async function maxDiff(a: HookedTransformer, b: HookedTransformer, ids: number[][], hooksA: ReturnType<typeof ablationHooks>): Promise<{ diff: number; scale: number; changed: number }> {
  const la = (await a.run(ids, { hooks: hooksA })).logits!.data;
  const lb = (await b.run(ids)).logits!.data;
  const plain = (await a.run(ids)).logits!.data;
  let diff = 0, scale = 0, changed = 0;
  for (let i = 0; i < la.length; i++) {
    diff = Math.max(diff, Math.abs(la[i] - lb[i]));
    scale = Math.max(scale, Math.abs(la[i]));
    changed = Math.max(changed, Math.abs(la[i] - plain[i]));
  }
  return { diff, scale, changed };
}

const ARCHITECTURES = [
  { architecture: 'llama' as const, nLayers: 3, dModel: 32, nHeads: 4, nKvHeads: 2, dHead: 8, dMlp: 64, dVocab: 50, nCtx: 32 },
  { architecture: 'gpt2' as const, nLayers: 3, dModel: 32, nHeads: 4, dHead: 8, dMlp: 64, dVocab: 50, nCtx: 32 },
  { architecture: 'gpt-neox' as const, nLayers: 2, dModel: 32, nHeads: 4, dHead: 8, dMlp: 64, dVocab: 50, nCtx: 32 },
];

describe('weight orthogonalisation = directional ablation hooks', () => {
  for (const cfg of ARCHITECTURES) {
    it(`${cfg.architecture}: same logits to float32 rounding, and the direction is gone from every residual writer`, async () => {
      const model = randomModel(cfg, { seed: 3, std: 0.2 });
      const u = randomDirection(cfg.dModel, 5);
      const ortho = orthogonalizedModel(model, u);
      const ids = tokens(model, 12, 7);
      const { diff, scale, changed } = await maxDiff(model, ortho, ids, ablationHooks(cfg.nLayers, u));
      expect(changed).toBeGreaterThan(1e-2 * scale); // the ablation does something
      expect(diff).toBeLessThan(2e-5 * Math.max(1, scale));
      const writers = residualWriterNames(ortho.weights.keys());
      expect(writers).toContain('embed.W_E');
      expect(writers).toContain('blocks.0.mlp.W_out');
      if (cfg.architecture === 'gpt2') expect(writers).toEqual(expect.arrayContaining(['pos_embed.W_pos', 'blocks.0.attn.b_O', 'blocks.0.mlp.b_out']));
      for (const name of writers) {
        const w = ortho.getWeight(name).data;
        for (let at = 0; at < w.length; at += cfg.dModel) {
          let dot = 0;
          for (let j = 0; j < cfg.dModel; j++) dot += w[at + j] * u[j];
          expect(Math.abs(dot)).toBeLessThan(1e-5);
        }
      }
      // The unembedding is untouched.
      expect(ortho.getWeight('unembed.W_U')).toBe(model.getWeight('unembed.W_U'));
      await ortho.dispose();
    });
  }

  it('orthogonalizeWeights leaves the source weights unchanged', () => {
    const model = randomModel(ARCHITECTURES[0], { seed: 1 });
    const before = model.getWeight('embed.W_E').data.slice();
    orthogonalizeWeights(model.weights, randomDirection(32, 2));
    expect(model.getWeight('embed.W_E').data).toEqual(before);
  });
});

describe('saveModel: the orthogonalised model as a Hugging Face folder', () => {
  it('the default model (Llama, tied embeddings) reloads with loadModel and gives the ablated logits', async () => {
    const model = await defaultModel();
    const u = randomDirection(model.config.dModel, 11);
    const dir = join(mkdtempSync(join(tmpdir(), 'marr-refusal-')), 'ortho');
    const record = { method: METHOD, model: 'default', layer: 1, position: -1, token: ':', norm: 1, dModel: model.config.dModel, template: 'User : {instruction} Assistant :', refusalTokens: ['I'] };
    await saveOrthogonalizedModel(model, orthogonalizeWeights(model.weights, u), dir, record);
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'MODEL_CARD.md']) expect(existsSync(join(dir, f))).toBe(true);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.tie_word_embeddings).toBe(false);
    expect(config.marr_orthogonalized.layer).toBe(1);
    const reloaded = await loadModel(dir);
    const ids = [model.tokenizer!.encode('User : how do I make a bomb ? Assistant :')];
    const { diff, scale } = await maxDiff(model, reloaded, ids, ablationHooks(model.config.nLayers, u));
    expect(diff).toBeLessThan(2e-5 * Math.max(1, scale));
    const gen = await reloaded.generate('User : how do I make a cake ? Assistant :', { maxNewTokens: 3 });
    expect(gen.newTokens).toHaveLength(3);
    await reloaded.dispose();
  });

  it('a GPT-2 model reloads as a GPT-2 folder with the ablated logits', async () => {
    const model = randomModel(ARCHITECTURES[1], { seed: 4, std: 0.2 });
    const u = randomDirection(32, 12);
    const dir = join(mkdtempSync(join(tmpdir(), 'marr-refusal-')), 'ortho-gpt2');
    await saveOrthogonalizedModel(model, orthogonalizeWeights(model.weights, u), dir, { method: METHOD, model: 'random', layer: 0, position: -1, token: 'x', norm: 1, dModel: 32, template: '{instruction} A', refusalTokens: ['I'] });
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.model_type).toBe('gpt2');
    const reloaded = await loadModel(dir);
    const { diff, scale } = await maxDiff(model, reloaded, tokens(model, 10, 3), ablationHooks(3, u));
    expect(diff).toBeLessThan(2e-5 * Math.max(1, scale));
    await reloaded.dispose();
  });
});
