/**
 * Hugging Face `config.json` → marr `ModelConfig`, for the families marr runs: GPT-2, GPT-NeoX (Pythia)
 * and Llama-style models (Llama, Mistral, Qwen2).
 */
import { validateConfig, type Activation, type ModelConfig } from '../model/config.js';

/** HF `model_type` values marr can load, with the architecture class each one names. */
export const SUPPORTED_HF_MODEL_TYPES: Readonly<Record<string, string>> = {
  gpt2: 'GPT2LMHeadModel',
  gpt_neox: 'GPTNeoXForCausalLM',
  llama: 'LlamaForCausalLM',
  mistral: 'MistralForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
};

export type HfFamily = 'gpt2' | 'gpt_neox' | 'llama';

type Json = Record<string, unknown>;

function supportedList(): string {
  return Object.entries(SUPPORTED_HF_MODEL_TYPES)
    .map(([t, a]) => `${t} (${a})`)
    .join(', ');
}

/** The HF model_type of a config, from `model_type` or else from `architectures[0]`. */
export function hfModelType(json: Json, source: string): string {
  const mt = json.model_type;
  // Own properties only: "constructor", "__proto__" or "toString" are not model types.
  if (typeof mt === 'string' && Object.hasOwn(SUPPORTED_HF_MODEL_TYPES, mt)) return mt;
  const archs = Array.isArray(json.architectures) ? json.architectures : [];
  for (const [type, arch] of Object.entries(SUPPORTED_HF_MODEL_TYPES)) {
    if (archs.some((a) => a === arch)) return type;
  }
  const what = typeof mt === 'string' ? `model_type "${mt}"` : archs.length ? `architectures ${JSON.stringify(archs)}` : 'no model_type or architectures field';
  throw new Error(`${source}: unsupported model (${what}). marr supports these model types: ${supportedList()}`);
}

export function hfFamily(modelType: string): HfFamily {
  return modelType === 'gpt2' ? 'gpt2' : modelType === 'gpt_neox' ? 'gpt_neox' : 'llama';
}

function num(json: Json, key: string, source: string, fallback?: number): number {
  const v = json[key];
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new Error(`${source}: config.json lacks the required field "${key}"`);
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${source}: config field "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function bool(json: Json, key: string, fallback: boolean): boolean {
  const v = json[key];
  return typeof v === 'boolean' ? v : fallback;
}

function tokenId(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return null;
}

function activation(name: unknown, source: string): Activation {
  switch (name) {
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
    case 'gelu_fast':
      return 'gelu_new';
    case 'gelu':
      return 'gelu';
    case 'silu':
    case 'swish':
      return 'silu';
    case 'relu':
      return 'relu';
    default:
      throw new Error(`${source}: unsupported activation ${JSON.stringify(name)}; marr supports gelu_new (tanh GELU), gelu, silu and relu`);
  }
}

function ropeTheta(json: Json, key: string, source: string): number {
  const params = json.rope_parameters as Json | undefined;
  const theta = params && typeof params === 'object' && params.rope_theta !== undefined ? params.rope_theta : num(json, key, source, 10000);
  const field = params && typeof params === 'object' && params.rope_theta !== undefined ? 'rope_parameters.rope_theta' : key;
  if (typeof theta !== 'number' || !Number.isFinite(theta) || theta <= 0) {
    throw new Error(`${source}: config field "${field}" must be a finite number > 0 (the RoPE base, usually 10000), got ${JSON.stringify(theta)}`);
  }
  return theta;
}

/** d / H as the head size, when H divides d; the message names the HF fields. */
function headSize(d: number, H: number, dField: string, hField: string, source: string): number {
  if (!Number.isInteger(d) || d <= 0) throw new Error(`${source}: config field "${dField}" must be a positive integer, got ${d}`);
  if (!Number.isInteger(H) || H <= 0) throw new Error(`${source}: config field "${hField}" must be a positive integer, got ${H}`);
  if (d % H !== 0) throw new Error(`${source}: "${dField}" (${d}) must be a multiple of "${hField}" (${H}) so every head has the same size`);
  return d / H;
}

/** An epsilon field: finite and > 0 (0 divides by zero in the norm, a negative one takes a square root of a negative). */
function epsilon(json: Json, key: string, source: string, fallback: number): number {
  const v = num(json, key, source, fallback);
  if (!(v > 0)) throw new Error(`${source}: config field "${key}" must be > 0 (a small number such as 1e-5), got ${v}`);
  return v;
}

function rejectRopeScaling(json: Json, source: string): void {
  const scaling = (json.rope_scaling ?? (json.rope_parameters as Json | undefined)) as Json | null | undefined;
  const type = scaling && typeof scaling === 'object' ? (scaling.rope_type ?? scaling.type) : undefined;
  if (type !== undefined && type !== 'default') {
    throw new Error(`${source}: rope scaling of type ${JSON.stringify(type)} is not supported by marr; only plain RoPE (no rope_scaling) is`);
  }
}

/** Converts a parsed HF config.json into a validated ModelConfig; `source` names the file for errors. */
export function hfConfigToModelConfig(json: Json, source = 'config.json'): ModelConfig {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${source}: config.json must be a JSON object`);
  const modelType = hfModelType(json, source);
  const family = hfFamily(modelType);
  const name = typeof json._name_or_path === 'string' && json._name_or_path ? json._name_or_path : modelType;
  let cfg: ModelConfig;
  if (family === 'gpt2') {
    const d = num(json, 'n_embd', source);
    const H = num(json, 'n_head', source);
    headSize(d, H, 'n_embd', 'n_head', source);
    cfg = {
      architecture: 'gpt2',
      nLayers: num(json, 'n_layer', source),
      dModel: d,
      nHeads: H,
      nKvHeads: H,
      dHead: d / H,
      dMlp: num(json, 'n_inner', source, 4 * d),
      dVocab: num(json, 'vocab_size', source),
      nCtx: num(json, 'n_positions', source, num(json, 'n_ctx', source, 1024)),
      normType: 'layernorm',
      normEps: epsilon(json, 'layer_norm_epsilon', source, 1e-5),
      act: activation(json.activation_function ?? 'gelu_new', source),
      gatedMlp: false,
      positional: 'learned',
      rotaryDim: d / H,
      rotaryBase: 10000,
      rotaryStyle: 'half',
      parallelAttnMlp: false,
      attnBias: true,
      mlpBias: true,
      unembedBias: false,
      tiedEmbeddings: bool(json, 'tie_word_embeddings', true),
      bosTokenId: tokenId(json.bos_token_id),
      eosTokenId: tokenId(json.eos_token_id),
      name,
    };
  } else if (family === 'gpt_neox') {
    const d = num(json, 'hidden_size', source);
    const H = num(json, 'num_attention_heads', source);
    const dHead = headSize(d, H, 'hidden_size', 'num_attention_heads', source);
    rejectRopeScaling(json, source);
    const pct = num(json, 'rotary_pct', source, (json.rope_parameters as Json | undefined)?.partial_rotary_factor as number | undefined ?? 0.25);
    cfg = {
      architecture: 'gpt-neox',
      nLayers: num(json, 'num_hidden_layers', source),
      dModel: d,
      nHeads: H,
      nKvHeads: H,
      dHead,
      dMlp: num(json, 'intermediate_size', source, 4 * d),
      dVocab: num(json, 'vocab_size', source),
      nCtx: num(json, 'max_position_embeddings', source, 2048),
      normType: 'layernorm',
      normEps: epsilon(json, 'layer_norm_eps', source, 1e-5),
      act: activation(json.hidden_act ?? 'gelu', source),
      gatedMlp: false,
      positional: 'rotary',
      // HF: rotary_ndims = int(head_size * rotary_pct)
      rotaryDim: Math.floor(dHead * pct),
      rotaryBase: ropeTheta(json, 'rotary_emb_base', source),
      rotaryStyle: 'half',
      parallelAttnMlp: bool(json, 'use_parallel_residual', true),
      attnBias: bool(json, 'attention_bias', true),
      mlpBias: true,
      unembedBias: false,
      tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
      bosTokenId: tokenId(json.bos_token_id),
      eosTokenId: tokenId(json.eos_token_id),
      name,
    };
  } else {
    const d = num(json, 'hidden_size', source);
    const H = num(json, 'num_attention_heads', source);
    rejectRopeScaling(json, source);
    const dHead = json.head_dim === undefined || json.head_dim === null ? headSize(d, H, 'hidden_size', 'num_attention_heads', source) : num(json, 'head_dim', source);
    // Qwen2 always has q/k/v biases (and no o_proj bias; the loader fills b_O with zeros).
    const attnBias = modelType === 'qwen2' ? true : bool(json, 'attention_bias', false);
    cfg = {
      architecture: 'llama',
      nLayers: num(json, 'num_hidden_layers', source),
      dModel: d,
      nHeads: H,
      nKvHeads: num(json, 'num_key_value_heads', source, H),
      dHead,
      dMlp: num(json, 'intermediate_size', source),
      dVocab: num(json, 'vocab_size', source),
      nCtx: num(json, 'max_position_embeddings', source, 2048),
      normType: 'rmsnorm',
      normEps: epsilon(json, 'rms_norm_eps', source, 1e-6),
      act: activation(json.hidden_act ?? 'silu', source),
      gatedMlp: true,
      positional: 'rotary',
      rotaryDim: dHead,
      rotaryBase: ropeTheta(json, 'rope_theta', source),
      rotaryStyle: 'half',
      parallelAttnMlp: false,
      attnBias,
      mlpBias: bool(json, 'mlp_bias', false),
      unembedBias: false,
      tiedEmbeddings: bool(json, 'tie_word_embeddings', false),
      bosTokenId: tokenId(json.bos_token_id),
      eosTokenId: tokenId(json.eos_token_id),
      name,
    };
  }
  return validateConfig(cfg, source);
}

/** An HF LlamaForCausalLM config.json for a llama-architecture ModelConfig (used by convert). */
export function modelConfigToHfLlama(cfg: ModelConfig): Json {
  if (cfg.architecture !== 'llama') throw new Error(`modelConfigToHfLlama: expected a llama config, got ${cfg.architecture}`);
  if (cfg.rotaryDim !== cfg.dHead) throw new Error('modelConfigToHfLlama: HF Llama rotates every head dimension (rotaryDim must equal dHead)');
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: cfg.dModel,
    intermediate_size: cfg.dMlp,
    num_attention_heads: cfg.nHeads,
    num_key_value_heads: cfg.nKvHeads,
    num_hidden_layers: cfg.nLayers,
    head_dim: cfg.dHead,
    vocab_size: cfg.dVocab,
    max_position_embeddings: cfg.nCtx,
    rms_norm_eps: cfg.normEps,
    rope_theta: cfg.rotaryBase,
    hidden_act: cfg.act === 'gelu_new' ? 'gelu_pytorch_tanh' : cfg.act,
    attention_bias: cfg.attnBias,
    mlp_bias: cfg.mlpBias,
    tie_word_embeddings: cfg.tiedEmbeddings,
    bos_token_id: cfg.bosTokenId,
    eos_token_id: cfg.eosTokenId,
    torch_dtype: 'float32',
  };
}

/** An HF GPT2LMHeadModel config.json for a gpt2-architecture ModelConfig. */
export function modelConfigToHfGpt2(cfg: ModelConfig): Json {
  if (cfg.architecture !== 'gpt2') throw new Error(`modelConfigToHfGpt2: expected a gpt2 config, got ${cfg.architecture}`);
  return {
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    n_embd: cfg.dModel,
    n_head: cfg.nHeads,
    n_layer: cfg.nLayers,
    n_inner: cfg.dMlp,
    n_positions: cfg.nCtx,
    n_ctx: cfg.nCtx,
    vocab_size: cfg.dVocab,
    layer_norm_epsilon: cfg.normEps,
    activation_function: cfg.act,
    tie_word_embeddings: cfg.tiedEmbeddings,
    bos_token_id: cfg.bosTokenId,
    eos_token_id: cfg.eosTokenId,
    torch_dtype: 'float32',
  };
}
