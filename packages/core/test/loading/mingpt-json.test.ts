/**
 * The minGPT gpt-nano-sort state dict, checked against the PyTorch activations recorded with it
 * (shared/models/gpt-nano-sort/gpt-nano-sort-t0-partials.json, block 0): each projection recomputed from
 * marr's weights must reproduce PyTorch's q, k, v, attention output projection, MLP and unembedding.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { writeHfGpt2Folder } from '../../src/loading/hf-gpt2-writer.js';
import { loadWeights } from '../../src/loading/load-weights.js';
import { parseMinGptJson, readMinGptJson } from '../../src/loading/mingpt-json.js';
import { readSafetensors } from '../../src/loading/safetensors.js';
import type { Float32Tensor } from '../../src/tensor/tensor.js';
import { tempDir } from './helpers.js';

const modelFx = sharedFixture('models/gpt-nano-sort/gpt-nano-sort-model.json');
const partialsFx = sharedFixture('models/gpt-nano-sort/gpt-nano-sort-t0-partials.json');

function decode(entry: { shape: number[]; data: string }): { shape: number[]; data: Float32Array } {
  const b = Buffer.from(entry.data, 'base64');
  const data = new Float32Array(b.length / 4);
  new Uint8Array(data.buffer).set(b);
  return { shape: entry.shape, data };
}

describe.skipIf(!modelFx.path || !partialsFx.path)(`minGPT JSON (gpt-nano-sort) ${modelFx.reason || partialsFx.reason}`, () => {
  it('has the GPT-2 config of its SOURCE.txt', async () => {
    const { config } = await readMinGptJson(modelFx.path!);
    expect(config).toMatchObject({
      architecture: 'gpt2', nLayers: 3, nHeads: 3, dModel: 48, dHead: 16, dMlp: 192, dVocab: 3, nCtx: 11, act: 'gelu_new',
      normEps: 1e-5, tiedEmbeddings: false, unembedBias: false, attnBias: true, mlpBias: true,
    });
  });

  it('reproduces PyTorch block-0 projections from the recorded activations', async () => {
    const { weights } = await readMinGptJson(modelFx.path!);
    const P = JSON.parse(readFileSync(partialsFx.path!, 'utf8')) as Record<string, { shape: number[]; data: string }>;
    const ln1 = decode(P.ln1); // [B, T, C]
    const [B, T, C] = ln1.shape;
    const H = 3, dh = 16;
    const w = (n: string): Float32Tensor => weights.get(n)!;
    let worst = 0;
    for (const [name, ref] of [['Q', 'q'], ['K', 'k'], ['V', 'v']] as const) {
      const W = w(`blocks.0.attn.W_${name}`), bias = w(`blocks.0.attn.b_${name}`);
      const expected = decode(P[ref]); // [B, H, T, dh]
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let t = 0; t < T; t++) for (let k = 0; k < dh; k++) {
        let s = bias.data[h * dh + k];
        for (let i = 0; i < C; i++) s += ln1.data[(b * T + t) * C + i] * W.data[(h * C + i) * dh + k];
        worst = Math.max(worst, Math.abs(s - expected.data[((b * H + h) * T + t) * dh + k]));
      }
    }
    // y [B, T, C] holds the heads' outputs side by side; yProj = sum_h y_h W_O[h] + b_O
    const y = decode(P.y), yProj = decode(P.yProj);
    const WO = w('blocks.0.attn.W_O'), bO = w('blocks.0.attn.b_O');
    for (let bt = 0; bt < B * T; bt++) for (let j = 0; j < C; j++) {
      let s = bO.data[j];
      for (let h = 0; h < H; h++) for (let k = 0; k < dh; k++) s += y.data[bt * C + h * dh + k] * WO.data[(h * dh + k) * C + j];
      worst = Math.max(worst, Math.abs(s - yProj.data[bt * C + j]));
    }
    const ln2 = decode(P.ln2), fc = decode(P.fc), gelu = decode(P.gelu), mlp = decode(P.mlp);
    const Win = w('blocks.0.mlp.W_in'), bin = w('blocks.0.mlp.b_in'), Wout = w('blocks.0.mlp.W_out'), bout = w('blocks.0.mlp.b_out');
    const F = 4 * C;
    for (let bt = 0; bt < B * T; bt++) {
      for (let m = 0; m < F; m++) {
        let s = bin.data[m];
        for (let i = 0; i < C; i++) s += ln2.data[bt * C + i] * Win.data[i * F + m];
        worst = Math.max(worst, Math.abs(s - fc.data[bt * F + m]));
      }
      for (let j = 0; j < C; j++) {
        let s = bout.data[j];
        for (let m = 0; m < F; m++) s += gelu.data[bt * F + m] * Wout.data[m * C + j];
        worst = Math.max(worst, Math.abs(s - mlp.data[bt * C + j]));
      }
    }
    const lnf = decode(P.ln_f), logits = decode(P.lm_head), WU = w('unembed.W_U');
    for (let bt = 0; bt < B * T; bt++) for (let v = 0; v < 3; v++) {
      let s = 0;
      for (let i = 0; i < C; i++) s += lnf.data[bt * C + i] * WU.data[i * 3 + v];
      worst = Math.max(worst, Math.abs(s - logits.data[bt * 3 + v]));
    }
    expect(worst).toBeLessThan(2e-5);
  });

  const dir = tempDir();
  it('written as an HF GPT-2 folder, reloads to identical weights', async () => {
    const { config, weights } = await readMinGptJson(modelFx.path!);
    const folder = join(dir, 'gpt-nano-hf');
    await writeHfGpt2Folder(config, weights, folder);
    // HF GPT-2 stores Conv1D [in, out]: c_attn of block 0 is [48, 144] with Q, K, V side by side
    const { tensors } = await readSafetensors(join(folder, 'model.safetensors'));
    expect(tensors.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([48, 144]);
    expect(tensors.get('lm_head.weight')!.shape).toEqual([3, 48]);
    const loaded = await loadWeights(folder);
    expect({ ...loaded.config, name: undefined }).toEqual({ ...config, name: undefined });
    expect([...loaded.weights.keys()].sort()).toEqual([...weights.keys()].sort());
    for (const [name, t] of weights) expect([...loaded.weights.get(name)!.data], name).toEqual([...t.data]);
  });
});

describe('minGPT JSON errors', () => {
  it('rejects a file without config or with bad entries', () => {
    expect(() => parseMinGptJson('x.json', '{"a": 1}')).toThrow(/no "config" object/);
    expect(() => parseMinGptJson('x.json', '{nope')).toThrow(/not valid JSON/);
    const cfg = { n_layer: 1, n_head: 1, n_embd: 2, vocab_size: 2, block_size: 2 };
    expect(() => parseMinGptJson('x.json', JSON.stringify({ config: cfg, w: { shape: [2], dtype: 'torch.float32', data: 'AAAA' } }))).toThrow(/decodes to 3 bytes/);
    expect(() => parseMinGptJson('x.json', JSON.stringify({ config: cfg, w: { shape: [1], dtype: 'torch.float16', data: 'AAA=' } }))).toThrow(/only torch.float32/);
  });
});
