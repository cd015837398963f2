/**
 * minGPT state dicts saved as JSON (as in bbycroft/llm-viz's gpt-nano-sort-model.json): a `config` object
 * (n_layer, n_head, n_embd, vocab_size, block_size) and one entry per torch state-dict key,
 * `{shape, dtype: "torch.float32", data: base64 of little-endian float32}`.
 *
 * minGPT is GPT-2's block design with nn.Linear layers ([out, in]): fused c_attn (Q, K, V stacked along the
 * output), tanh GELU, LayerNorm eps 1e-5, learned positions, and an untied lm_head without bias.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { defaultConfig, validateConfig, type ModelConfig } from '../model/config.js';
import { validateWeights, type WeightMap } from '../model/weights.js';
import { MAX_TENSOR_ELEMENTS, sizeOf, tensor, type Float32Tensor } from '../tensor/tensor.js';
import { CheckpointTensors } from './checkpoint-tensors.js';
import { contiguousHeads, gatherHeadsBias, gatherHeadsIn, outputProjection, transpose2d } from './layout.js';

interface MinGptEntry {
  shape: number[];
  dtype: string;
  data: string;
}

/** Decodes the tensors of a minGPT JSON state dict (every key except `config`). */
export function decodeMinGptTensors(path: string, json: Record<string, unknown>): Map<string, Float32Tensor> {
  const out = new Map<string, Float32Tensor>();
  for (const [key, value] of Object.entries(json)) {
    if (key === 'config') continue;
    const e = value as MinGptEntry;
    if (!e || typeof e !== 'object' || !Array.isArray(e.shape) || typeof e.data !== 'string') {
      throw new Error(`${path}: entry ${key} is not {shape, dtype, data}; is this a minGPT JSON state dict?`);
    }
    if (e.dtype !== 'torch.float32') throw new Error(`${path}: entry ${key} has dtype ${e.dtype}; only torch.float32 is supported`);
    if (e.shape.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(e.shape) > MAX_TENSOR_ELEMENTS) {
      throw new Error(`${path}: entry ${key} has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const bytes = Buffer.from(e.data, 'base64');
    const n = sizeOf(e.shape);
    if (bytes.length !== n * 4) throw new Error(`${path}: entry ${key} has shape [${e.shape.join(', ')}] (${n * 4} bytes) but its data decodes to ${bytes.length} bytes`);
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(bytes);
    out.set(key, tensor(e.shape, data));
  }
  return out;
}

function configNumber(path: string, cfg: Record<string, unknown>, key: string): number {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`${path}: config.${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** The GPT-2-architecture ModelConfig of a minGPT config object. */
export function minGptConfig(path: string, raw: unknown): ModelConfig {
  if (!raw || typeof raw !== 'object') throw new Error(`${path}: no "config" object; a minGPT JSON needs config.n_layer, n_head, n_embd, vocab_size and block_size`);
  const c = raw as Record<string, unknown>;
  const d = configNumber(path, c, 'n_embd');
  const H = configNumber(path, c, 'n_head');
  // minGPT is GPT-2's block design: the family defaults (LayerNorm eps 1e-5, tanh GELU, learned
  // positions, biases) apply; only the sizes and the untied head come from the file.
  return validateConfig(
    defaultConfig('gpt2', {
      nLayers: configNumber(path, c, 'n_layer'),
      dModel: d,
      nHeads: H,
      nKvHeads: H,
      dHead: d / H,
      dMlp: 4 * d,
      dVocab: configNumber(path, c, 'vocab_size'),
      nCtx: configNumber(path, c, 'block_size'),
      rotaryDim: d / H,
      tiedEmbeddings: false,
      name: typeof c.model_type === 'string' ? c.model_type : basename(path, '.json'),
    }),
    path,
  );
}

/** minGPT state-dict tensors → marr weights. */
export function minGptWeightsToMarr(cfg: ModelConfig, tensors: ReadonlyMap<string, Float32Tensor>, path: string): WeightMap {
  const ck = new CheckpointTensors(tensors, 'transformer.', path);
  const { dModel: d, nHeads: H, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const w: WeightMap = new Map();
  w.set('embed.W_E', ck.get('wte.weight', [V, d]));
  w.set('pos_embed.W_pos', ck.get('wpe.weight', [cfg.nCtx, d]));
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `h.${l}.`;
    const b = `blocks.${l}.`;
    w.set(b + 'ln1.w', ck.get(p + 'ln_1.weight', [d]));
    w.set(b + 'ln1.b', ck.get(p + 'ln_1.bias', [d]));
    const qkv = ck.get(p + 'attn.c_attn.weight', [3 * d, d]);
    const qkvBias = ck.get(p + 'attn.c_attn.bias', [3 * d]);
    (['Q', 'K', 'V'] as const).forEach((n, i) => {
      const feature = contiguousHeads(dh, i * d);
      w.set(b + `attn.W_${n}`, gatherHeadsIn(qkv, H, dh, feature, true, `${path} ${p}attn.c_attn.weight`));
      w.set(b + `attn.b_${n}`, gatherHeadsBias(qkvBias, H, dh, feature, path));
    });
    w.set(b + 'attn.W_O', outputProjection(ck.get(p + 'attn.c_proj.weight', [d, d]), H, dh, true, path));
    w.set(b + 'attn.b_O', ck.get(p + 'attn.c_proj.bias', [d]));
    w.set(b + 'ln2.w', ck.get(p + 'ln_2.weight', [d]));
    w.set(b + 'ln2.b', ck.get(p + 'ln_2.bias', [d]));
    w.set(b + 'mlp.W_in', transpose2d(ck.get(p + 'mlp.c_fc.weight', [f, d])));
    w.set(b + 'mlp.b_in', ck.get(p + 'mlp.c_fc.bias', [f]));
    w.set(b + 'mlp.W_out', transpose2d(ck.get(p + 'mlp.c_proj.weight', [d, f])));
    w.set(b + 'mlp.b_out', ck.get(p + 'mlp.c_proj.bias', [d]));
  }
  w.set('ln_final.w', ck.get('ln_f.weight', [d]));
  w.set('ln_final.b', ck.get('ln_f.bias', [d]));
  w.set('unembed.W_U', transpose2d(ck.get('lm_head.weight', [V, d])));
  ck.assertAllUsed(/\.attn\.bias$/); // the causal-mask buffers
  validateWeights(cfg, w, path);
  return w;
}

export interface MinGptModel {
  config: ModelConfig;
  weights: WeightMap;
}

export function parseMinGptJson(path: string, text: string): MinGptModel {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const config = minGptConfig(path, json.config);
  return { config, weights: minGptWeightsToMarr(config, decodeMinGptTensors(path, json), path) };
}

export async function readMinGptJson(path: string): Promise<MinGptModel> {
  return parseMinGptJson(path, await readFile(path, 'utf8'));
}
