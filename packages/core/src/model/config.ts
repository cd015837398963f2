/**
 * The architecture-independent description of a transformer that marr can run.
 *
 * Every supported family (GPT-2, GPT-NeoX/Pythia, Llama/Mistral/Qwen2) is one `ModelConfig`;
 * the hooked runtime reads only this, never the family name, to decide what to compute.
 */
export type Architecture = 'gpt2' | 'gpt-neox' | 'llama';
export type NormType = 'layernorm' | 'rmsnorm';
export type Activation = 'gelu_new' | 'gelu' | 'silu' | 'relu';
export type PositionalEmbedding = 'learned' | 'rotary';
/**
 * How rotary embeddings pair up the coordinates of a head:
 * - `half`: coordinate i with i + rotaryDim/2 (Hugging Face Llama and GPT-NeoX, "rotate_half");
 * - `interleaved`: coordinate 2i with 2i+1 (llama2.c, GPT-J, Meta's original Llama code).
 */
export type RotaryStyle = 'half' | 'interleaved';

export interface ModelConfig {
  architecture: Architecture;
  nLayers: number;
  dModel: number;
  nHeads: number;
  /** Key/value heads; smaller than nHeads for grouped-query attention. */
  nKvHeads: number;
  dHead: number;
  dMlp: number;
  dVocab: number;
  /** Maximum context length (positions). */
  nCtx: number;
  normType: NormType;
  normEps: number;
  act: Activation;
  /** SwiGLU-style MLP: act(x W_gate) * (x W_in), then W_out. */
  gatedMlp: boolean;
  positional: PositionalEmbedding;
  /** Number of rotated dimensions per head (partial rotary for Pythia); dHead when fully rotary. */
  rotaryDim: number;
  rotaryBase: number;
  rotaryStyle: RotaryStyle;
  /** GPT-NeoX "use_parallel_residual": attention and MLP both read resid_pre. */
  parallelAttnMlp: boolean;
  /** Whether attention projections have biases (b_Q, b_K, b_V, b_O). */
  attnBias: boolean;
  /** Whether the MLP has biases (b_in, b_out). */
  mlpBias: boolean;
  /** Whether the unembedding has a bias b_U. */
  unembedBias: boolean;
  /** Whether the checkpoint shared W_E and W_U (marr keeps separate copies, as TransformerLens does). */
  tiedEmbeddings: boolean;
  bosTokenId: number | null;
  eosTokenId: number | null;
  /** Free-form name for reports. */
  name?: string;
}

function positiveInt(cfg: ModelConfig, key: keyof ModelConfig, source: string): void {
  const v = cfg[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new Error(`${source}: config field ${String(key)} must be a positive integer, got ${JSON.stringify(v)}`);
  }
}

/** Checks a config for internal consistency; `source` names the file it came from. */
export function validateConfig(cfg: ModelConfig, source = 'model config'): ModelConfig {
  for (const k of ['nLayers', 'dModel', 'nHeads', 'nKvHeads', 'dHead', 'dMlp', 'dVocab', 'nCtx'] as const) {
    positiveInt(cfg, k, source);
  }
  if (cfg.nHeads % cfg.nKvHeads !== 0) {
    throw new Error(`${source}: nHeads (${cfg.nHeads}) must be a multiple of nKvHeads (${cfg.nKvHeads})`);
  }
  if (cfg.positional === 'rotary') {
    if (!Number.isInteger(cfg.rotaryDim) || cfg.rotaryDim <= 0 || cfg.rotaryDim > cfg.dHead || cfg.rotaryDim % 2 !== 0) {
      throw new Error(`${source}: rotaryDim (${cfg.rotaryDim}) must be an even number between 2 and dHead (${cfg.dHead})`);
    }
  }
  if (cfg.architecture !== 'llama' && cfg.dModel !== cfg.nHeads * cfg.dHead) {
    throw new Error(`${source}: dModel (${cfg.dModel}) must equal nHeads (${cfg.nHeads}) x dHead (${cfg.dHead}) for a ${cfg.architecture} model`);
  }
  if (!(cfg.normEps > 0) || !Number.isFinite(cfg.normEps)) throw new Error(`${source}: normEps must be a finite number > 0 (e.g. 1e-5), got ${cfg.normEps}`);
  if (cfg.positional === 'rotary' && (!(cfg.rotaryBase > 0) || !Number.isFinite(cfg.rotaryBase))) {
    throw new Error(`${source}: rotaryBase (rope_theta) must be a finite number > 0 (usually 10000), got ${cfg.rotaryBase}`);
  }
  for (const k of ['bosTokenId', 'eosTokenId'] as const) {
    const id = cfg[k];
    if (id !== null && (!Number.isInteger(id) || id < 0 || id >= cfg.dVocab)) {
      throw new Error(`${source}: ${k} ${id} is outside the vocabulary 0..${cfg.dVocab - 1}; fix the token id or the vocabulary size`);
    }
  }
  const params = estimateParameters(cfg);
  if (!(params <= 2 ** 34)) {
    throw new Error(`${source}: the config describes ${params.toExponential(2)} parameters, beyond what marr can hold in memory; check the config`);
  }
  return cfg;
}

/** Parameter count implied by a config (embeddings counted once when tied). */
export function estimateParameters(cfg: ModelConfig): number {
  const d = cfg.dModel;
  const attn = d * cfg.dHead * (cfg.nHeads * 2 + cfg.nKvHeads * 2);
  const mlp = d * cfg.dMlp * (cfg.gatedMlp ? 3 : 2);
  const norms = 2 * d * (cfg.normType === 'layernorm' ? 2 : 1);
  const emb = cfg.dVocab * d * (cfg.tiedEmbeddings ? 1 : 2) + (cfg.positional === 'learned' ? cfg.nCtx * d : 0);
  return cfg.nLayers * (attn + mlp + norms) + emb + d * 2;
}

/** Defaults for a config family; used by randomModel and by loaders before they fill in the file's values. */
export function defaultConfig(architecture: Architecture, overrides: Partial<ModelConfig> = {}): ModelConfig {
  const base: ModelConfig =
    architecture === 'gpt2'
      ? {
          architecture,
          nLayers: 2, dModel: 64, nHeads: 4, nKvHeads: 4, dHead: 16, dMlp: 256, dVocab: 128, nCtx: 128,
          normType: 'layernorm', normEps: 1e-5, act: 'gelu_new', gatedMlp: false,
          positional: 'learned', rotaryDim: 16, rotaryBase: 10000, rotaryStyle: 'half',
          parallelAttnMlp: false, attnBias: true, mlpBias: true, unembedBias: false, tiedEmbeddings: true,
          bosTokenId: null, eosTokenId: null,
        }
      : architecture === 'gpt-neox'
        ? {
            architecture,
            nLayers: 2, dModel: 64, nHeads: 4, nKvHeads: 4, dHead: 16, dMlp: 256, dVocab: 128, nCtx: 128,
            normType: 'layernorm', normEps: 1e-5, act: 'gelu', gatedMlp: false,
            positional: 'rotary', rotaryDim: 4, rotaryBase: 10000, rotaryStyle: 'half',
            parallelAttnMlp: true, attnBias: true, mlpBias: true, unembedBias: false, tiedEmbeddings: false,
            bosTokenId: null, eosTokenId: null,
          }
        : {
            architecture,
            nLayers: 2, dModel: 64, nHeads: 4, nKvHeads: 2, dHead: 16, dMlp: 172, dVocab: 128, nCtx: 128,
            normType: 'rmsnorm', normEps: 1e-5, act: 'silu', gatedMlp: true,
            positional: 'rotary', rotaryDim: 16, rotaryBase: 10000, rotaryStyle: 'half',
            parallelAttnMlp: false, attnBias: false, mlpBias: false, unembedBias: false, tiedEmbeddings: false,
            bosTokenId: null, eosTokenId: null,
          };
  const cfg = { ...base, ...overrides };
  if (overrides.dHead === undefined && (overrides.dModel !== undefined || overrides.nHeads !== undefined)) {
    cfg.dHead = Math.floor(cfg.dModel / cfg.nHeads);
  }
  if (overrides.rotaryDim === undefined && architecture !== 'gpt-neox') cfg.rotaryDim = cfg.dHead;
  if (overrides.rotaryDim === undefined && architecture === 'gpt-neox') cfg.rotaryDim = Math.max(2, Math.floor(cfg.dHead / 4) * 1);
  if (overrides.nKvHeads === undefined && architecture !== 'llama') cfg.nKvHeads = cfg.nHeads;
  return cfg;
}
