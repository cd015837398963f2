/**
 * Random HF folders written with tensor names and layouts built here by hand (the inverse of the loader's
 * mapping, written independently with explicit index loops) must load back to the same marr weights.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../src/loading/half-float.js';
import { writeHfGpt2Folder } from '../../src/loading/hf-gpt2-writer.js';
import { loadWeights } from '../../src/loading/load-weights.js';
import { readSafetensors, writeSafetensors } from '../../src/loading/safetensors.js';
import { defaultConfig, type ModelConfig } from '../../src/model/config.js';
import { expectedWeights, type WeightMap } from '../../src/model/weights.js';
import { createRng } from '../../src/random/rng.js';
import { tensor, type Float32Tensor, type Tensor } from '../../src/tensor/tensor.js';
import { tempDir } from './helpers.js';

const dir = tempDir();

function randomWeights(cfg: ModelConfig, seed: number): WeightMap {
  const rng = createRng(seed);
  const w: WeightMap = new Map();
  for (const [name, shape] of expectedWeights(cfg)) {
    const t = tensor(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rng.normal();
    w.set(name, t);
  }
  return w;
}

/** An [rows, cols] matrix whose entry (r, c) is `at(r, c)`. */
function matrix(rows: number, cols: number, at: (r: number, c: number) => number): Float32Tensor {
  const d = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) d[r * cols + c] = at(r, c);
  return tensor([rows, cols], d);
}
const vector = (n: number, at: (i: number) => number): Float32Tensor => tensor([n], Float32Array.from({ length: n }, (_, i) => at(i)));
const el = (t: Float32Tensor, ...idx: number[]): number => {
  let off = 0;
  idx.forEach((x, k) => (off = off * t.shape[k] + x));
  return t.data[off];
};

function expectSameWeights(actual: WeightMap, expected: WeightMap): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [name, t] of expected) {
    const a = actual.get(name)!;
    expect(a.shape, name).toEqual(t.shape);
    expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), name).toBe(true);
  }
}

async function writeFolder(name: string, config: object, tensors: Map<string, Tensor>): Promise<string> {
  const d = join(dir, name);
  await writeSafetensors(join(d, 'model.safetensors'), tensors);
  writeFileSync(join(d, 'config.json'), JSON.stringify(config));
  return d;
}

describe('GPT-NeoX folders', () => {
  it('reload to the same marr weights (interleaved fused query_key_value)', async () => {
    const cfg = defaultConfig('gpt-neox', { nLayers: 2, dModel: 24, nHeads: 3, dMlp: 40, dVocab: 11, nCtx: 16, rotaryDim: 4 });
    const w = randomWeights(cfg, 1);
    const { nHeads: H, dHead: dh, dModel: d, dMlp: f, dVocab: V } = cfg;
    const t = new Map<string, Tensor>();
    t.set('gpt_neox.embed_in.weight', w.get('embed.W_E')!);
    for (let l = 0; l < cfg.nLayers; l++) {
      const g = (n: string) => w.get(`blocks.${l}.${n}`)!;
      const p = `gpt_neox.layers.${l}.`;
      const qkv = [g('attn.W_Q'), g('attn.W_K'), g('attn.W_V')];
      const qkvB = [g('attn.b_Q'), g('attn.b_K'), g('attn.b_V')];
      // row h*3*dh + j*dh + k holds head h, part j, coordinate k
      const part = (r: number) => ({ h: Math.floor(r / (3 * dh)), j: Math.floor((r % (3 * dh)) / dh), k: r % dh });
      t.set(p + 'attention.query_key_value.weight', matrix(3 * H * dh, d, (r, i) => { const { h, j, k } = part(r); return el(qkv[j], h, i, k); }));
      t.set(p + 'attention.query_key_value.bias', vector(3 * H * dh, (r) => { const { h, j, k } = part(r); return el(qkvB[j], h, k); }));
      t.set(p + 'attention.dense.weight', matrix(d, H * dh, (o, c) => el(g('attn.W_O'), Math.floor(c / dh), c % dh, o)));
      t.set(p + 'attention.dense.bias', g('attn.b_O'));
      t.set(p + 'attention.bias', tensor([1, 1, 4, 4])); // causal-mask buffer, ignored
      t.set(p + 'attention.rotary_emb.inv_freq', tensor([2]));
      t.set(p + 'input_layernorm.weight', g('ln1.w'));
      t.set(p + 'input_layernorm.bias', g('ln1.b'));
      t.set(p + 'post_attention_layernorm.weight', g('ln2.w'));
      t.set(p + 'post_attention_layernorm.bias', g('ln2.b'));
      t.set(p + 'mlp.dense_h_to_4h.weight', matrix(f, d, (m, i) => el(g('mlp.W_in'), i, m)));
      t.set(p + 'mlp.dense_h_to_4h.bias', g('mlp.b_in'));
      t.set(p + 'mlp.dense_4h_to_h.weight', matrix(d, f, (i, m) => el(g('mlp.W_out'), m, i)));
      t.set(p + 'mlp.dense_4h_to_h.bias', g('mlp.b_out'));
    }
    t.set('gpt_neox.final_layer_norm.weight', w.get('ln_final.w')!);
    t.set('gpt_neox.final_layer_norm.bias', w.get('ln_final.b')!);
    t.set('embed_out.weight', matrix(V, d, (v, i) => el(w.get('unembed.W_U')!, i, v)));
    const folder = await writeFolder('neox', {
      model_type: 'gpt_neox', architectures: ['GPTNeoXForCausalLM'], hidden_size: d, num_attention_heads: H, num_hidden_layers: cfg.nLayers,
      intermediate_size: f, vocab_size: V, max_position_embeddings: cfg.nCtx, rotary_pct: 4 / dh, rotary_emb_base: 10000,
      use_parallel_residual: true, layer_norm_eps: 1e-5, hidden_act: 'gelu', tie_word_embeddings: false,
    }, t);
    const loaded = await loadWeights(folder);
    expect(loaded.config).toMatchObject({ architecture: 'gpt-neox', rotaryDim: 4, dHead: dh, parallelAttnMlp: true });
    expectSameWeights(loaded.weights, w);
    expect(loaded.tokenizer).toBeNull();
    expect(loaded.source.format).toBe('hf');
    expect(loaded.source.files.map((x) => x.path.split('/').pop())).toEqual(['config.json', 'model.safetensors']);
  });
});

function llamaHfTensors(cfg: ModelConfig, w: WeightMap, opts: { oBias: boolean; lmHead: boolean }): Map<string, Tensor> {
  const { nHeads: H, nKvHeads: K, dHead: dh, dModel: d, dMlp: f, dVocab: V } = cfg;
  const t = new Map<string, Tensor>();
  t.set('model.embed_tokens.weight', w.get('embed.W_E')!);
  for (let l = 0; l < cfg.nLayers; l++) {
    const g = (n: string) => w.get(`blocks.${l}.${n}`)!;
    const p = `model.layers.${l}.`;
    for (const [n, hf, heads] of [['Q', 'q', H], ['K', 'k', K], ['V', 'v', K]] as const) {
      t.set(`${p}self_attn.${hf}_proj.weight`, matrix(heads * dh, d, (r, i) => el(g(`attn.W_${n}`), Math.floor(r / dh), i, r % dh)));
      if (cfg.attnBias) t.set(`${p}self_attn.${hf}_proj.bias`, vector(heads * dh, (r) => el(g(`attn.b_${n}`), Math.floor(r / dh), r % dh)));
    }
    t.set(p + 'self_attn.o_proj.weight', matrix(d, H * dh, (o, c) => el(g('attn.W_O'), Math.floor(c / dh), c % dh, o)));
    if (opts.oBias) t.set(p + 'self_attn.o_proj.bias', g('attn.b_O'));
    t.set(p + 'self_attn.rotary_emb.inv_freq', tensor([dh / 2]));
    t.set(p + 'input_layernorm.weight', g('ln1.w'));
    t.set(p + 'post_attention_layernorm.weight', g('ln2.w'));
    t.set(p + 'mlp.gate_proj.weight', matrix(f, d, (m, i) => el(g('mlp.W_gate'), i, m)));
    t.set(p + 'mlp.up_proj.weight', matrix(f, d, (m, i) => el(g('mlp.W_in'), i, m)));
    t.set(p + 'mlp.down_proj.weight', matrix(d, f, (i, m) => el(g('mlp.W_out'), m, i)));
  }
  t.set('model.norm.weight', w.get('ln_final.w')!);
  if (opts.lmHead) t.set('lm_head.weight', matrix(V, d, (v, i) => el(w.get('unembed.W_U')!, i, v)));
  return t;
}

function llamaConfigJson(cfg: ModelConfig, extra: object): object {
  return {
    model_type: 'llama', hidden_size: cfg.dModel, num_attention_heads: cfg.nHeads, num_key_value_heads: cfg.nKvHeads,
    num_hidden_layers: cfg.nLayers, intermediate_size: cfg.dMlp, vocab_size: cfg.dVocab, max_position_embeddings: cfg.nCtx,
    rms_norm_eps: 1e-5, rope_theta: 10000, hidden_act: 'silu', tie_word_embeddings: false, ...extra,
  };
}

describe('Llama-style folders', () => {
  it('reload a grouped-query Llama to the same marr weights', async () => {
    const cfg = defaultConfig('llama', { nLayers: 2, dModel: 32, nHeads: 4, nKvHeads: 2, dMlp: 40, dVocab: 13, nCtx: 16 });
    const w = randomWeights(cfg, 2);
    const folder = await writeFolder('llama', llamaConfigJson(cfg, {}), llamaHfTensors(cfg, w, { oBias: false, lmHead: true }));
    const loaded = await loadWeights(folder);
    expect(loaded.config).toMatchObject({ architecture: 'llama', rotaryStyle: 'half', nKvHeads: 2, attnBias: false });
    expectSameWeights(loaded.weights, w);
  });
  it('reload a Qwen2 folder (q/k/v biases, no o_proj bias, tied embeddings)', async () => {
    const cfg = defaultConfig('llama', { nLayers: 1, dModel: 16, nHeads: 2, nKvHeads: 1, dMlp: 24, dVocab: 9, nCtx: 8, attnBias: true, tiedEmbeddings: true });
    const w = randomWeights(cfg, 3);
    w.set('blocks.0.attn.b_O', tensor([cfg.dModel])); // Qwen2 has no o_proj bias: marr's is zero
    const E = w.get('embed.W_E')!;
    w.set('unembed.W_U', matrix(cfg.dModel, cfg.dVocab, (i, v) => el(E, v, i))); // tied: W_U = W_E^T
    const folder = await writeFolder('qwen2', llamaConfigJson(cfg, { model_type: 'qwen2', tie_word_embeddings: true }), llamaHfTensors(cfg, w, { oBias: false, lmHead: false }));
    const loaded = await loadWeights(folder);
    expect(loaded.config).toMatchObject({ attnBias: true, tiedEmbeddings: true });
    expectSameWeights(loaded.weights, w);
    expect(loaded.weights.get('unembed.W_U')!.data).not.toBe(loaded.weights.get('embed.W_E')!.data); // a separate copy
  });
  it('names unknown and missing tensors', async () => {
    const cfg = defaultConfig('llama', { nLayers: 1, dModel: 16, nHeads: 2, nKvHeads: 2, dMlp: 24, dVocab: 9, nCtx: 8 });
    const w = randomWeights(cfg, 4);
    const extra = llamaHfTensors(cfg, w, { oBias: false, lmHead: true });
    extra.set('model.layers.0.mystery.weight', tensor([2]));
    await expect(loadWeights(await writeFolder('llama-extra', llamaConfigJson(cfg, {}), extra))).rejects.toThrow(/tensors marr does not know.*model.layers.0.mystery.weight/);
    const missing = llamaHfTensors(cfg, w, { oBias: false, lmHead: true });
    missing.delete('model.layers.0.mlp.up_proj.weight');
    await expect(loadWeights(await writeFolder('llama-missing', llamaConfigJson(cfg, {}), missing))).rejects.toThrow(/missing tensor model.layers.0.mlp.up_proj.weight \(expected shape \[24, 16\]\)/);
    const wrong = llamaHfTensors(cfg, w, { oBias: false, lmHead: true });
    wrong.set('model.norm.weight', tensor([15]));
    await expect(loadWeights(await writeFolder('llama-wrong', llamaConfigJson(cfg, {}), wrong))).rejects.toThrow(/model.norm.weight has shape \[15\], expected \[16\]/);
    await expect(loadWeights(await writeFolder('bert', { model_type: 'bert', architectures: ['BertModel'] }, new Map()))).rejects.toThrow(/unsupported model.*marr supports/);
  });
});

describe('GPT-2 folders in the hub layout', () => {
  it('load without the transformer. prefix, with tied embeddings, mask buffers and F16 storage', async () => {
    const cfg = defaultConfig('gpt2', { nLayers: 2, dModel: 16, nHeads: 2, dMlp: 32, dVocab: 10, nCtx: 8, tiedEmbeddings: true });
    const w = randomWeights(cfg, 5);
    const E = w.get('embed.W_E')!;
    w.set('unembed.W_U', matrix(cfg.dModel, cfg.dVocab, (i, v) => el(E, v, i)));
    const staging = join(dir, 'gpt2-staging');
    await writeHfGpt2Folder(cfg, w, staging);
    const { tensors } = await readSafetensors(join(staging, 'model.safetensors'));
    expect(tensors.has('lm_head.weight')).toBe(false); // tied: HF reuses wte
    const hubStyle = new Map<string, Tensor>();
    for (const [name, t] of tensors) hubStyle.set(name.replace(/^transformer\./, ''), t);
    for (let l = 0; l < cfg.nLayers; l++) hubStyle.set(`h.${l}.attn.bias`, tensor([1, 1, 8, 8]));
    const folder = join(dir, 'gpt2-hub');
    await writeSafetensors(join(folder, 'model.safetensors'), hubStyle, { dtype: 'F16' });
    writeFileSync(join(folder, 'config.json'), readFileSync(join(staging, 'config.json')));
    const loaded = await loadWeights(folder);
    expect(loaded.config.tiedEmbeddings).toBe(true);
    const f16 = (t: Float32Tensor): Float32Tensor => tensor(t.shape, t.data.map((x) => halfToFloat(floatToHalf(x))));
    const expected: WeightMap = new Map([...w].map(([n, t]) => [n, f16(t)]));
    expectSameWeights(loaded.weights, expected);
  });
});
