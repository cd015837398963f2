import { describe, expect, it } from 'vitest';
import { hfConfigToModelConfig } from '../../src/loading/hf-config.js';

// Abridged copies of published config.json files (fields marr reads; values as on the hub).
const GPT2_SMALL = {
  activation_function: 'gelu_new', architectures: ['GPT2LMHeadModel'], bos_token_id: 50256, eos_token_id: 50256,
  layer_norm_epsilon: 1e-5, model_type: 'gpt2', n_ctx: 1024, n_embd: 768, n_head: 12, n_layer: 12, n_positions: 1024, vocab_size: 50257,
};
const PYTHIA_70M = {
  architectures: ['GPTNeoXForCausalLM'], bos_token_id: 0, eos_token_id: 0, hidden_act: 'gelu', hidden_size: 512, intermediate_size: 2048,
  layer_norm_eps: 1e-5, max_position_embeddings: 2048, model_type: 'gpt_neox', num_attention_heads: 8, num_hidden_layers: 6,
  rotary_emb_base: 10000, rotary_pct: 0.25, tie_word_embeddings: false, use_parallel_residual: true, vocab_size: 50304,
};
const TINYLLAMA = {
  architectures: ['LlamaForCausalLM'], bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 2048, intermediate_size: 5632,
  max_position_embeddings: 2048, model_type: 'llama', num_attention_heads: 32, num_hidden_layers: 22, num_key_value_heads: 4,
  rms_norm_eps: 1e-5, rope_scaling: null, rope_theta: 10000.0, tie_word_embeddings: false, vocab_size: 32000,
};
const QWEN2_05B = {
  architectures: ['Qwen2ForCausalLM'], bos_token_id: 151643, eos_token_id: 151645, hidden_act: 'silu', hidden_size: 896,
  intermediate_size: 4864, max_position_embeddings: 32768, model_type: 'qwen2', num_attention_heads: 14, num_hidden_layers: 24,
  num_key_value_heads: 2, rms_norm_eps: 1e-6, rope_theta: 1000000.0, tie_word_embeddings: true, vocab_size: 151936,
};
const MISTRAL_7B = {
  architectures: ['MistralForCausalLM'], bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 4096, intermediate_size: 14336,
  max_position_embeddings: 32768, model_type: 'mistral', num_attention_heads: 32, num_hidden_layers: 32, num_key_value_heads: 8,
  rms_norm_eps: 1e-5, rope_theta: 10000.0, sliding_window: 4096, tie_word_embeddings: false, vocab_size: 32000,
};

describe('hfConfigToModelConfig', () => {
  it('maps GPT-2 small', () => {
    expect(hfConfigToModelConfig(GPT2_SMALL)).toMatchObject({
      architecture: 'gpt2', nLayers: 12, dModel: 768, nHeads: 12, nKvHeads: 12, dHead: 64, dMlp: 3072, dVocab: 50257, nCtx: 1024,
      normType: 'layernorm', normEps: 1e-5, act: 'gelu_new', positional: 'learned', attnBias: true, mlpBias: true,
      tiedEmbeddings: true, bosTokenId: 50256, eosTokenId: 50256,
    });
  });
  it('maps Pythia-70m (partial rotary, parallel residual)', () => {
    expect(hfConfigToModelConfig(PYTHIA_70M)).toMatchObject({
      architecture: 'gpt-neox', nLayers: 6, dModel: 512, nHeads: 8, dHead: 64, dMlp: 2048, rotaryDim: 16, rotaryBase: 10000,
      rotaryStyle: 'half', parallelAttnMlp: true, act: 'gelu', tiedEmbeddings: false, attnBias: true, positional: 'rotary',
    });
  });
  it('maps TinyLlama (grouped-query attention)', () => {
    expect(hfConfigToModelConfig(TINYLLAMA)).toMatchObject({
      architecture: 'llama', nHeads: 32, nKvHeads: 4, dHead: 64, dMlp: 5632, normType: 'rmsnorm', normEps: 1e-5, gatedMlp: true,
      act: 'silu', rotaryDim: 64, rotaryStyle: 'half', attnBias: false, tiedEmbeddings: false,
    });
  });
  it('maps Qwen2 (q/k/v biases, tied embeddings, rope theta)', () => {
    expect(hfConfigToModelConfig(QWEN2_05B)).toMatchObject({ architecture: 'llama', dHead: 64, nKvHeads: 2, attnBias: true, tiedEmbeddings: true, rotaryBase: 1e6, normEps: 1e-6 });
  });
  it('maps Mistral and an explicit head_dim', () => {
    expect(hfConfigToModelConfig(MISTRAL_7B)).toMatchObject({ architecture: 'llama', nKvHeads: 8, dHead: 128 });
    expect(hfConfigToModelConfig({ ...MISTRAL_7B, head_dim: 96 }).dHead).toBe(96);
  });
  it('uses architectures when model_type is missing', () => {
    const { model_type: _, ...rest } = TINYLLAMA;
    expect(hfConfigToModelConfig(rest).architecture).toBe('llama');
  });
  it('rejects an unknown model type, listing the supported ones', () => {
    expect(() => hfConfigToModelConfig({ ...GPT2_SMALL, model_type: 'bert', architectures: ['BertModel'] })).toThrow(
      /unsupported model \(model_type "bert"\).*gpt2 \(GPT2LMHeadModel\).*gpt_neox.*llama.*mistral.*qwen2/,
    );
  });
  it('rejects inconsistent configs', () => {
    expect(() => hfConfigToModelConfig({ ...TINYLLAMA, num_key_value_heads: 5 })).toThrow(/nHeads \(32\) must be a multiple of nKvHeads \(5\)/);
    expect(() => hfConfigToModelConfig({ ...GPT2_SMALL, n_head: 7 })).toThrow(/"n_embd" \(768\) must be a multiple of "n_head" \(7\)/);
    expect(() => hfConfigToModelConfig({ ...TINYLLAMA, hidden_size: undefined })).toThrow(/lacks the required field "hidden_size"/);
    expect(() => hfConfigToModelConfig({ ...TINYLLAMA, hidden_act: 'mish' })).toThrow(/unsupported activation "mish"/);
    expect(() => hfConfigToModelConfig({ ...TINYLLAMA, rope_scaling: { rope_type: 'llama3', factor: 8 } })).toThrow(/rope scaling of type "llama3" is not supported/);
    expect(() => hfConfigToModelConfig({ ...TINYLLAMA, num_hidden_layers: 1e9, hidden_size: 65536 })).toThrow(/beyond what marr can hold/);
  });
});
