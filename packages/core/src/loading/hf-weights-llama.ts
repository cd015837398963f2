/**
 * Llama-style checkpoints (HF Llama, Mistral, Qwen2) ↔ marr weights. Projections are nn.Linear
 * (out-major); HF rotary pairs coordinates i and i + dHead/2 (`rotaryStyle: 'half'`).
 */
import type { ModelConfig } from '../model/config.js';
import type { WeightMap } from '../model/weights.js';
import { tensor, type Float32Tensor, type Tensor } from '../tensor/tensor.js';
import { CheckpointTensors, detectPrefix } from './checkpoint-tensors.js';
import { contiguousHeads, gatherHeadsBias, gatherHeadsIn, headsInToLinear, outputProjection, transpose2d } from './layout.js';
import { interleavedToHalf } from './rotary-permute.js';

const LLAMA_BUFFERS = /rotary_emb\.inv_freq$/;

export function llamaWeightsToMarr(cfg: ModelConfig, tensors: ReadonlyMap<string, Tensor>, source: string): WeightMap {
  const ck = new CheckpointTensors(tensors, detectPrefix(tensors, 'embed_tokens.weight', ['model.']), source);
  const { dModel: d, nHeads: H, nKvHeads: K, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const w: WeightMap = new Map();
  const heads = contiguousHeads(dh);
  w.set('embed.W_E', ck.get('embed_tokens.weight', [V, d]));
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `layers.${l}.`;
    const b = `blocks.${l}.`;
    w.set(b + 'ln1.w', ck.get(p + 'input_layernorm.weight', [d]));
    w.set(b + 'ln2.w', ck.get(p + 'post_attention_layernorm.weight', [d]));
    const proj = [
      ['Q', 'q_proj', H],
      ['K', 'k_proj', K],
      ['V', 'v_proj', K],
    ] as const;
    for (const [n, hf, heads_] of proj) {
      const weight = ck.get(`${p}self_attn.${hf}.weight`, [heads_ * dh, d]);
      w.set(b + `attn.W_${n}`, gatherHeadsIn(weight, heads_, dh, heads, true, `${source} ${p}self_attn.${hf}.weight`));
      if (cfg.attnBias) {
        const bias = ck.get(`${p}self_attn.${hf}.bias`, [heads_ * dh]);
        w.set(b + `attn.b_${n}`, gatherHeadsBias(bias, heads_, dh, heads, source));
      }
    }
    w.set(b + 'attn.W_O', outputProjection(ck.get(p + 'self_attn.o_proj.weight', [d, H * dh]), H, dh, true, source));
    // Qwen2 has q/k/v biases but none on o_proj; marr's attnBias implies b_O, so it is zero there.
    if (cfg.attnBias) w.set(b + 'attn.b_O', ck.maybe(p + 'self_attn.o_proj.bias', [d]) ?? tensor([d]));
    w.set(b + 'mlp.W_gate', transpose2d(ck.get(p + 'mlp.gate_proj.weight', [f, d])));
    w.set(b + 'mlp.W_in', transpose2d(ck.get(p + 'mlp.up_proj.weight', [f, d])));
    w.set(b + 'mlp.W_out', transpose2d(ck.get(p + 'mlp.down_proj.weight', [d, f])));
    if (cfg.mlpBias) {
      if (ck.has(p + 'mlp.gate_proj.bias')) {
        const gb = ck.get(p + 'mlp.gate_proj.bias', [f]);
        if (gb.data.some((x) => x !== 0)) throw new Error(`${source}: ${p}mlp.gate_proj.bias is non-zero; marr's gated MLP has no gate bias`);
      }
      w.set(b + 'mlp.b_in', ck.get(p + 'mlp.up_proj.bias', [f]));
      w.set(b + 'mlp.b_out', ck.get(p + 'mlp.down_proj.bias', [d]));
    }
  }
  w.set('ln_final.w', ck.get('norm.weight', [d]));
  const lmHead = tensors.has('lm_head.weight') ? ck.get('lm_head.weight', [V, d]) : undefined;
  if (!lmHead && !cfg.tiedEmbeddings) throw new Error(`${source}: no lm_head.weight and tie_word_embeddings is false`);
  w.set('unembed.W_U', transpose2d(lmHead ?? w.get('embed.W_E')!));
  ck.assertAllUsed(LLAMA_BUFFERS);
  return w;
}

/**
 * marr weights of a llama-architecture model → HF Llama tensor names and layouts. Weights stored for the
 * interleaved rotary convention (llama2.c) get their q/k output coordinates permuted to HF's half convention.
 * With tied embeddings no lm_head.weight is written (HF ties it to embed_tokens).
 */
export function marrToHfLlama(cfg: ModelConfig, weights: WeightMap): Map<string, Float32Tensor> {
  if (cfg.architecture !== 'llama') throw new Error(`marrToHfLlama: expected a llama config, got ${cfg.architecture}`);
  const get = (name: string): Float32Tensor => {
    const t = weights.get(name);
    if (!t) throw new Error(`marrToHfLlama: missing weight ${name}`);
    return t;
  };
  const rotary = (t: Float32Tensor): Float32Tensor => (cfg.rotaryStyle === 'interleaved' ? interleavedToHalf(t, cfg.rotaryDim) : t);
  const flatBias = (t: Float32Tensor): Float32Tensor => tensor([t.data.length], t.data.slice());
  const out = new Map<string, Float32Tensor>();
  out.set('model.embed_tokens.weight', get('embed.W_E'));
  for (let l = 0; l < cfg.nLayers; l++) {
    const b = `blocks.${l}.`;
    const p = `model.layers.${l}.`;
    out.set(p + 'input_layernorm.weight', get(b + 'ln1.w'));
    out.set(p + 'self_attn.q_proj.weight', headsInToLinear(rotary(get(b + 'attn.W_Q'))));
    out.set(p + 'self_attn.k_proj.weight', headsInToLinear(rotary(get(b + 'attn.W_K'))));
    out.set(p + 'self_attn.v_proj.weight', headsInToLinear(get(b + 'attn.W_V')));
    const wo = get(b + 'attn.W_O');
    out.set(p + 'self_attn.o_proj.weight', transpose2d(tensor([wo.shape[0] * wo.shape[1], wo.shape[2]], wo.data)));
    if (cfg.attnBias) {
      out.set(p + 'self_attn.q_proj.bias', flatBias(rotary(get(b + 'attn.b_Q'))));
      out.set(p + 'self_attn.k_proj.bias', flatBias(rotary(get(b + 'attn.b_K'))));
      out.set(p + 'self_attn.v_proj.bias', flatBias(get(b + 'attn.b_V')));
      out.set(p + 'self_attn.o_proj.bias', get(b + 'attn.b_O'));
    }
    out.set(p + 'post_attention_layernorm.weight', get(b + 'ln2.w'));
    out.set(p + 'mlp.gate_proj.weight', transpose2d(get(b + 'mlp.W_gate')));
    out.set(p + 'mlp.up_proj.weight', transpose2d(get(b + 'mlp.W_in')));
    out.set(p + 'mlp.down_proj.weight', transpose2d(get(b + 'mlp.W_out')));
    if (cfg.mlpBias) {
      out.set(p + 'mlp.up_proj.bias', get(b + 'mlp.b_in'));
      out.set(p + 'mlp.down_proj.bias', get(b + 'mlp.b_out'));
    }
  }
  out.set('model.norm.weight', get('ln_final.w'));
  if (!cfg.tiedEmbeddings) out.set('lm_head.weight', transpose2d(get('unembed.W_U')));
  return out;
}
