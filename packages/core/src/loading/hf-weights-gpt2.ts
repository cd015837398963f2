/**
 * GPT-2 checkpoints (HF GPT2LMHeadModel) → marr weights. GPT-2 uses Conv1D, whose weights are in-major
 * [in, out]; the fused `c_attn` holds Q, K and V side by side along the output dimension.
 */
import type { ModelConfig } from '../model/config.js';
import type { WeightMap } from '../model/weights.js';
import type { Tensor } from '../tensor/tensor.js';
import { CheckpointTensors, detectPrefix } from './checkpoint-tensors.js';
import { contiguousHeads, gatherHeadsBias, gatherHeadsIn, outputProjection, transpose2d } from './layout.js';

const GPT2_BUFFERS = /(^|\.)attn\.(bias|masked_bias)$/;

export function gpt2WeightsToMarr(cfg: ModelConfig, tensors: ReadonlyMap<string, Tensor>, source: string): WeightMap {
  const ck = new CheckpointTensors(tensors, detectPrefix(tensors, 'wte.weight', ['transformer.']), source);
  const { dModel: d, nHeads: H, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const w: WeightMap = new Map();
  const wte = ck.get('wte.weight', [V, d]);
  w.set('embed.W_E', wte);
  w.set('pos_embed.W_pos', ck.get('wpe.weight', [cfg.nCtx, d]));
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `h.${l}.`;
    const b = `blocks.${l}.`;
    w.set(b + 'ln1.w', ck.get(p + 'ln_1.weight', [d]));
    w.set(b + 'ln1.b', ck.get(p + 'ln_1.bias', [d]));
    const qkv = ck.get(p + 'attn.c_attn.weight', [d, 3 * H * dh]);
    const qkvBias = ck.get(p + 'attn.c_attn.bias', [3 * H * dh]);
    const names = ['Q', 'K', 'V'] as const;
    names.forEach((n, i) => {
      const feature = contiguousHeads(dh, i * H * dh);
      w.set(b + `attn.W_${n}`, gatherHeadsIn(qkv, H, dh, feature, false, `${source} ${p}attn.c_attn.weight`));
      w.set(b + `attn.b_${n}`, gatherHeadsBias(qkvBias, H, dh, feature, `${source} ${p}attn.c_attn.bias`));
    });
    w.set(b + 'attn.W_O', outputProjection(ck.get(p + 'attn.c_proj.weight', [H * dh, d]), H, dh, false, source));
    w.set(b + 'attn.b_O', ck.get(p + 'attn.c_proj.bias', [d]));
    w.set(b + 'ln2.w', ck.get(p + 'ln_2.weight', [d]));
    w.set(b + 'ln2.b', ck.get(p + 'ln_2.bias', [d]));
    w.set(b + 'mlp.W_in', ck.get(p + 'mlp.c_fc.weight', [d, f]));
    w.set(b + 'mlp.b_in', ck.get(p + 'mlp.c_fc.bias', [f]));
    w.set(b + 'mlp.W_out', ck.get(p + 'mlp.c_proj.weight', [f, d]));
    w.set(b + 'mlp.b_out', ck.get(p + 'mlp.c_proj.bias', [d]));
  }
  w.set('ln_final.w', ck.get('ln_f.weight', [d]));
  w.set('ln_final.b', ck.get('ln_f.bias', [d]));
  const lmHead = tensors.has('lm_head.weight') ? ck.get('lm_head.weight', [V, d]) : undefined;
  if (!lmHead && !cfg.tiedEmbeddings) throw new Error(`${source}: config.json says tie_word_embeddings is false but there is no lm_head.weight`);
  w.set('unembed.W_U', transpose2d(lmHead ?? wte, source));
  ck.assertAllUsed(GPT2_BUFFERS);
  return w;
}
