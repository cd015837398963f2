/**
 * Writes trained parameters as a Hugging Face model folder: `config.json` (LlamaForCausalLM or
 * GPT2LMHeadModel), `model.safetensors` with HF tensor names, `tokenizer.json` and `tokenizer_config.json`.
 * HF Linear weights are [out, in], the transpose of the trainer's [in, out]; GPT-2's Conv1D weights are
 * [in, out] as the trainer stores them, with q, k, v concatenated in `c_attn`.
 */
import { join } from 'node:path';
import { modelConfigToHfGpt2, modelConfigToHfLlama, tensor, writeJsonAtomic, writeSafetensors, type Float32Tensor, type ModelConfig } from '@marr/core';
import type { Parameters } from '../train/parameters.js';
import { tokenizerConfigJson, tokenizerJson, type WordVocabulary } from '../tokenizer/word-tokenizer.js';

type NamedTensor = Float32Tensor;

function transposed(data: ArrayLike<number>, rows: number, cols: number): NamedTensor {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return tensor([cols, rows], out);
}

function asIs(data: ArrayLike<number>, shape: number[]): NamedTensor {
  return tensor(shape, Float32Array.from(data));
}

/** The HF config.json for a trained model: core's mapping, so written and loaded configs cannot drift. */
export function hfConfigJson(cfg: ModelConfig): Record<string, unknown> {
  return cfg.architecture === 'llama' ? modelConfigToHfLlama(cfg) : modelConfigToHfGpt2(cfg);
}

/** HF tensors for a Llama-architecture model. */
export function hfLlamaTensors(p: Parameters): Map<string, NamedTensor> {
  const cfg = p.config;
  if (cfg.architecture !== 'llama' || cfg.attnBias || cfg.mlpBias || cfg.unembedBias || cfg.rotaryDim !== cfg.dHead) {
    throw new Error('hfLlamaTensors: the HF Llama layout needs a llama config without biases and with full rotary');
  }
  const { dModel: d, nHeads: H, nKvHeads: K, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const v = (n: string) => p.view(n);
  const t = new Map<string, NamedTensor>();
  t.set('model.embed_tokens.weight', asIs(v('embed'), [V, d]));
  for (let l = 0; l < cfg.nLayers; l++) {
    const s = `blocks.${l}.`;
    const o = `model.layers.${l}.`;
    t.set(o + 'input_layernorm.weight', asIs(v(s + 'ln1.w'), [d]));
    t.set(o + 'self_attn.q_proj.weight', transposed(v(s + 'q'), d, H * dh));
    t.set(o + 'self_attn.k_proj.weight', transposed(v(s + 'k'), d, K * dh));
    t.set(o + 'self_attn.v_proj.weight', transposed(v(s + 'v'), d, K * dh));
    t.set(o + 'self_attn.o_proj.weight', transposed(v(s + 'o'), H * dh, d));
    t.set(o + 'post_attention_layernorm.weight', asIs(v(s + 'ln2.w'), [d]));
    t.set(o + 'mlp.gate_proj.weight', transposed(v(s + 'gate'), d, f));
    t.set(o + 'mlp.up_proj.weight', transposed(v(s + 'up'), d, f));
    t.set(o + 'mlp.down_proj.weight', transposed(v(s + 'down'), f, d));
  }
  t.set('model.norm.weight', asIs(v('lnf.w'), [d]));
  t.set('lm_head.weight', transposed(v('unembed'), d, V));
  return t;
}

/** HF tensors for a GPT-2-architecture model. */
export function hfGpt2Tensors(p: Parameters): Map<string, NamedTensor> {
  const cfg = p.config;
  if (cfg.architecture !== 'gpt2' || !cfg.attnBias || !cfg.mlpBias || cfg.unembedBias || cfg.nKvHeads !== cfg.nHeads) {
    throw new Error('hfGpt2Tensors: the HF GPT-2 layout needs attention and MLP biases, no unembedding bias, and nKvHeads = nHeads');
  }
  const { dModel: d, dMlp: f, dVocab: V } = cfg;
  const qd = cfg.nHeads * cfg.dHead;
  const v = (n: string) => p.view(n);
  const t = new Map<string, NamedTensor>();
  t.set('transformer.wte.weight', asIs(v('embed'), [V, d]));
  t.set('transformer.wpe.weight', asIs(v('pos'), [cfg.nCtx, d]));
  for (let l = 0; l < cfg.nLayers; l++) {
    const s = `blocks.${l}.`;
    const o = `transformer.h.${l}.`;
    t.set(o + 'ln_1.weight', asIs(v(s + 'ln1.w'), [d]));
    t.set(o + 'ln_1.bias', asIs(v(s + 'ln1.b'), [d]));
    const qkv = new Float32Array(d * 3 * qd);
    for (let i = 0; i < d; i++) {
      qkv.set(v(s + 'q').subarray(i * qd, (i + 1) * qd), i * 3 * qd);
      qkv.set(v(s + 'k').subarray(i * qd, (i + 1) * qd), i * 3 * qd + qd);
      qkv.set(v(s + 'v').subarray(i * qd, (i + 1) * qd), i * 3 * qd + 2 * qd);
    }
    t.set(o + 'attn.c_attn.weight', tensor([d, 3 * qd], qkv));
    const qkvBias = new Float32Array(3 * qd);
    qkvBias.set(v(s + 'q.b'), 0);
    qkvBias.set(v(s + 'k.b'), qd);
    qkvBias.set(v(s + 'v.b'), 2 * qd);
    t.set(o + 'attn.c_attn.bias', tensor([3 * qd], qkvBias));
    t.set(o + 'attn.c_proj.weight', asIs(v(s + 'o'), [qd, d]));
    t.set(o + 'attn.c_proj.bias', asIs(v(s + 'o.b'), [d]));
    t.set(o + 'ln_2.weight', asIs(v(s + 'ln2.w'), [d]));
    t.set(o + 'ln_2.bias', asIs(v(s + 'ln2.b'), [d]));
    t.set(o + 'mlp.c_fc.weight', asIs(v(s + 'up'), [d, f]));
    t.set(o + 'mlp.c_fc.bias', asIs(v(s + 'up.b'), [f]));
    t.set(o + 'mlp.c_proj.weight', asIs(v(s + 'down'), [f, d]));
    t.set(o + 'mlp.c_proj.bias', asIs(v(s + 'down.b'), [d]));
  }
  t.set('transformer.ln_f.weight', asIs(v('lnf.w'), [d]));
  t.set('transformer.ln_f.bias', asIs(v('lnf.b'), [d]));
  t.set('lm_head.weight', transposed(v('unembed'), d, V));
  return t;
}

/** Writes the folder's model files (weights as F32, or F16 when asked); returns the paths written. */
export async function writeHfFolder(dir: string, p: Parameters, vocab: WordVocabulary, options: { dtype?: 'F32' | 'F16' } = {}): Promise<string[]> {
  const tensors = p.config.architecture === 'llama' ? hfLlamaTensors(p) : hfGpt2Tensors(p);
  const files = ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json'].map((f) => join(dir, f));
  await writeJsonAtomic(files[0], hfConfigJson(p.config));
  await writeSafetensors(files[1], tensors, { metadata: { format: 'pt' }, dtype: options.dtype ?? 'F32' });
  await writeJsonAtomic(files[2], tokenizerJson(vocab));
  await writeJsonAtomic(files[3], tokenizerConfigJson(p.config.nCtx));
  return files;
}
