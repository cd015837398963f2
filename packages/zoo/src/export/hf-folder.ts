/**
 * Writes trained parameters as a Hugging Face model folder: `config.json` (LlamaForCausalLM or
 * GPT2LMHeadModel), `model.safetensors` with HF tensor names, `tokenizer.json` and `tokenizer_config.json`.
 * The parameters are already in core's TransformerLens layout, so the Llama tensors are core's own
 * `marrToHfLlama` (the inverse of its loader); GPT-2's Conv1D tensors are [in, out] with q, k, v side by
 * side in `c_attn`, gathered here from the per-head W_Q, W_K, W_V.
 */
import { join } from 'node:path';
import { marrToHfLlama, modelConfigToHfGpt2, modelConfigToHfLlama, tensor, writeJsonAtomic, writeSafetensors, type Float32Tensor, type ModelConfig } from '@marr/core';
import type { Parameters } from '../train/parameters.js';
import { tokenizerConfigJson, tokenizerJson, type WordVocabulary } from '../tokenizer/word-tokenizer.js';

/** [rows, cols] → its transpose [cols, rows]. */
function transposed(data: ArrayLike<number>, rows: number, cols: number): Float32Tensor {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return tensor([cols, rows], out);
}

/** A copy (the safetensors writer gets tensors no optimizer step will change under it). */
function copied(p: Parameters, name: string): Float32Tensor {
  const t = p.weights.get(name);
  if (!t) throw new Error(`writeHfFolder: missing weight ${name}`);
  return tensor(t.shape, t.data.slice());
}

/** The HF config.json for a trained model: core's mapping, so written and loaded configs cannot drift. */
export function hfConfigJson(cfg: ModelConfig): Record<string, unknown> {
  return cfg.architecture === 'llama' ? modelConfigToHfLlama(cfg) : modelConfigToHfGpt2(cfg);
}

/** HF tensors for a Llama-architecture model. */
export function hfLlamaTensors(p: Parameters): Map<string, Float32Tensor> {
  const cfg = p.config;
  if (cfg.architecture !== 'llama' || cfg.attnBias || cfg.mlpBias || cfg.unembedBias || cfg.rotaryDim !== cfg.dHead || cfg.tiedEmbeddings) {
    throw new Error('hfLlamaTensors: the HF Llama layout needs a llama config without biases, with full rotary and untied embeddings');
  }
  const copies = new Map([...p.weights].map(([name]) => [name, copied(p, name)]));
  return marrToHfLlama(cfg, copies);
}

/** HF tensors for a GPT-2-architecture model. */
export function hfGpt2Tensors(p: Parameters): Map<string, Float32Tensor> {
  const cfg = p.config;
  if (cfg.architecture !== 'gpt2' || !cfg.attnBias || !cfg.mlpBias || cfg.unembedBias || cfg.nKvHeads !== cfg.nHeads) {
    throw new Error('hfGpt2Tensors: the HF GPT-2 layout needs attention and MLP biases, no unembedding bias, and nKvHeads = nHeads');
  }
  const { dModel: d, nHeads: H, dHead: dh, dVocab: V } = cfg;
  const qd = H * dh;
  const v = (n: string) => p.view(n);
  const t = new Map<string, Float32Tensor>();
  t.set('transformer.wte.weight', copied(p, 'embed.W_E'));
  t.set('transformer.wpe.weight', copied(p, 'pos_embed.W_pos'));
  for (let l = 0; l < cfg.nLayers; l++) {
    const s = `blocks.${l}.`;
    const o = `transformer.h.${l}.`;
    t.set(o + 'ln_1.weight', copied(p, s + 'ln1.w'));
    t.set(o + 'ln_1.bias', copied(p, s + 'ln1.b'));
    // c_attn [d, 3·H·dh]: row i holds q, k, v of input feature i, each with its heads contiguous
    const qkv = new Float32Array(d * 3 * qd);
    (['Q', 'K', 'V'] as const).forEach((n, part) => {
      const w = v(s + `attn.W_${n}`); // [H, d, dh]
      for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) qkv.set(w.subarray((h * d + i) * dh, (h * d + i + 1) * dh), i * 3 * qd + part * qd + h * dh);
    });
    t.set(o + 'attn.c_attn.weight', tensor([d, 3 * qd], qkv));
    const qkvBias = new Float32Array(3 * qd);
    qkvBias.set(v(s + 'attn.b_Q'), 0);
    qkvBias.set(v(s + 'attn.b_K'), qd);
    qkvBias.set(v(s + 'attn.b_V'), 2 * qd);
    t.set(o + 'attn.c_attn.bias', tensor([3 * qd], qkvBias));
    t.set(o + 'attn.c_proj.weight', tensor([qd, d], v(s + 'attn.W_O').slice())); // [H, dh, d] is [H·dh, d]
    t.set(o + 'attn.c_proj.bias', copied(p, s + 'attn.b_O'));
    t.set(o + 'ln_2.weight', copied(p, s + 'ln2.w'));
    t.set(o + 'ln_2.bias', copied(p, s + 'ln2.b'));
    t.set(o + 'mlp.c_fc.weight', copied(p, s + 'mlp.W_in'));
    t.set(o + 'mlp.c_fc.bias', copied(p, s + 'mlp.b_in'));
    t.set(o + 'mlp.c_proj.weight', copied(p, s + 'mlp.W_out'));
    t.set(o + 'mlp.c_proj.bias', copied(p, s + 'mlp.b_out'));
  }
  t.set('transformer.ln_f.weight', copied(p, 'ln_final.w'));
  t.set('transformer.ln_f.bias', copied(p, 'ln_final.b'));
  t.set('lm_head.weight', transposed(v('unembed.W_U'), d, V));
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
