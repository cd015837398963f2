/**
 * GPT-NeoX / Pythia checkpoints (HF GPTNeoXForCausalLM) → marr weights. Weights are nn.Linear
 * (out-major); the fused `query_key_value` interleaves per head: output feature h*3*dHead + j*dHead + k is
 * head h, part j (0 = Q, 1 = K, 2 = V), coordinate k.
 */
import type { ModelConfig } from '../model/config.js';
import type { WeightMap } from '../model/weights.js';
import type { Tensor } from '../tensor/tensor.js';
import { CheckpointTensors, detectPrefix } from './checkpoint-tensors.js';
import { gatherHeadsBias, gatherHeadsIn, outputProjection, transpose2d, type FeatureIndex } from './layout.js';

const NEOX_BUFFERS = /(^|\.)attention\.(bias|masked_bias|rotary_emb\.inv_freq)$|rotary_emb\.inv_freq$/;

export function gptNeoxWeightsToMarr(cfg: ModelConfig, tensors: ReadonlyMap<string, Tensor>, source: string): WeightMap {
  const ck = new CheckpointTensors(tensors, detectPrefix(tensors, 'embed_in.weight', ['gpt_neox.']), source);
  const { dModel: d, nHeads: H, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const w: WeightMap = new Map();
  w.set('embed.W_E', ck.get('embed_in.weight', [V, d]));
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `layers.${l}.`;
    const b = `blocks.${l}.`;
    w.set(b + 'ln1.w', ck.get(p + 'input_layernorm.weight', [d]));
    w.set(b + 'ln1.b', ck.get(p + 'input_layernorm.bias', [d]));
    w.set(b + 'ln2.w', ck.get(p + 'post_attention_layernorm.weight', [d]));
    w.set(b + 'ln2.b', ck.get(p + 'post_attention_layernorm.bias', [d]));
    const qkv = ck.get(p + 'attention.query_key_value.weight', [3 * H * dh, d]);
    const qkvBias = cfg.attnBias ? ck.get(p + 'attention.query_key_value.bias', [3 * H * dh]) : undefined;
    (['Q', 'K', 'V'] as const).forEach((n, j) => {
      const feature: FeatureIndex = (h, k) => h * 3 * dh + j * dh + k;
      w.set(b + `attn.W_${n}`, gatherHeadsIn(qkv, H, dh, feature, true, `${source} ${p}attention.query_key_value.weight`));
      if (qkvBias) w.set(b + `attn.b_${n}`, gatherHeadsBias(qkvBias, H, dh, feature, `${source} ${p}attention.query_key_value.bias`));
    });
    w.set(b + 'attn.W_O', outputProjection(ck.get(p + 'attention.dense.weight', [d, H * dh]), H, dh, true, source));
    if (cfg.attnBias) w.set(b + 'attn.b_O', ck.get(p + 'attention.dense.bias', [d]));
    w.set(b + 'mlp.W_in', transpose2d(ck.get(p + 'mlp.dense_h_to_4h.weight', [f, d])));
    w.set(b + 'mlp.b_in', ck.get(p + 'mlp.dense_h_to_4h.bias', [f]));
    w.set(b + 'mlp.W_out', transpose2d(ck.get(p + 'mlp.dense_4h_to_h.weight', [d, f])));
    w.set(b + 'mlp.b_out', ck.get(p + 'mlp.dense_4h_to_h.bias', [d]));
  }
  w.set('ln_final.w', ck.get('final_layer_norm.weight', [d]));
  w.set('ln_final.b', ck.get('final_layer_norm.bias', [d]));
  const out = tensors.has('embed_out.weight') ? ck.get('embed_out.weight', [V, d]) : undefined;
  if (!out && !cfg.tiedEmbeddings) throw new Error(`${source}: no embed_out.weight and tie_word_embeddings is false`);
  w.set('unembed.W_U', transpose2d(out ?? w.get('embed.W_E')!));
  ck.assertAllUsed(NEOX_BUFFERS);
  return w;
}
