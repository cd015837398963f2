/**
 * Model weights in TransformerLens layout and naming.
 *
 * Every loader converts its file format into this one layout, so the runtime, weight editing and every
 * analysis see the same names and shapes whatever the checkpoint was:
 *
 * | name | shape |
 * |---|---|
 * | `embed.W_E` | [dVocab, dModel] |
 * | `pos_embed.W_pos` | [nCtx, dModel] (learned positions only) |
 * | `blocks.{l}.ln1.w`, `.ln1.b` | [dModel] (b only for LayerNorm) |
 * | `blocks.{l}.attn.W_Q` | [nHeads, dModel, dHead] |
 * | `blocks.{l}.attn.W_K`, `.W_V` | [nKvHeads, dModel, dHead] |
 * | `blocks.{l}.attn.W_O` | [nHeads, dHead, dModel] |
 * | `blocks.{l}.attn.b_Q` | [nHeads, dHead]; `b_K`, `b_V`: [nKvHeads, dHead]; `b_O`: [dModel] |
 * | `blocks.{l}.ln2.w`, `.ln2.b` | [dModel] |
 * | `blocks.{l}.mlp.W_in` | [dModel, dMlp] (the "up" projection for gated MLPs) |
 * | `blocks.{l}.mlp.W_gate` | [dModel, dMlp] (gated MLPs only) |
 * | `blocks.{l}.mlp.b_in` | [dMlp]; `b_out`: [dModel] |
 * | `blocks.{l}.mlp.W_out` | [dMlp, dModel] |
 * | `ln_final.w`, `ln_final.b` | [dModel] |
 * | `unembed.W_U` | [dModel, dVocab]; `unembed.b_U`: [dVocab] |
 *
 * `unembed.W_U` is always present: for a checkpoint with tied embeddings the loader stores W_E's transpose
 * as a separate tensor (as TransformerLens does), so editing one never silently edits the other.
 *
 * Rotary weights are stored for the `half` convention or the `interleaved` one as the config says;
 * loaders never permute silently.
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import type { ModelConfig } from './config.js';

export type WeightMap = Map<string, Float32Tensor>;

/** Short TransformerLens aliases (`W_E`, `W_U`, `W_pos`, `b_U`) for their full names. */
export const WEIGHT_ALIASES: Readonly<Record<string, string>> = {
  W_E: 'embed.W_E',
  W_pos: 'pos_embed.W_pos',
  W_U: 'unembed.W_U',
  b_U: 'unembed.b_U',
};

/** Every weight name a config implies, with its expected shape. */
export function expectedWeights(cfg: ModelConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const { dModel: d, dHead: h, nHeads: H, nKvHeads: K, dMlp: f, dVocab: V } = cfg;
  const ln = cfg.normType === 'layernorm';
  m.set('embed.W_E', [V, d]);
  if (cfg.positional === 'learned') m.set('pos_embed.W_pos', [cfg.nCtx, d]);
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `blocks.${l}.`;
    m.set(p + 'ln1.w', [d]);
    if (ln) m.set(p + 'ln1.b', [d]);
    m.set(p + 'attn.W_Q', [H, d, h]);
    m.set(p + 'attn.W_K', [K, d, h]);
    m.set(p + 'attn.W_V', [K, d, h]);
    m.set(p + 'attn.W_O', [H, h, d]);
    if (cfg.attnBias) {
      m.set(p + 'attn.b_Q', [H, h]);
      m.set(p + 'attn.b_K', [K, h]);
      m.set(p + 'attn.b_V', [K, h]);
      m.set(p + 'attn.b_O', [d]);
    }
    m.set(p + 'ln2.w', [d]);
    if (ln) m.set(p + 'ln2.b', [d]);
    m.set(p + 'mlp.W_in', [d, f]);
    if (cfg.gatedMlp) m.set(p + 'mlp.W_gate', [d, f]);
    m.set(p + 'mlp.W_out', [f, d]);
    if (cfg.mlpBias) {
      m.set(p + 'mlp.b_in', [f]);
      m.set(p + 'mlp.b_out', [d]);
    }
  }
  m.set('ln_final.w', [d]);
  if (ln) m.set('ln_final.b', [d]);
  m.set('unembed.W_U', [d, V]);
  if (cfg.unembedBias) m.set('unembed.b_U', [V]);
  return m;
}

/** Checks that `weights` has exactly the tensors `cfg` implies, with the right shapes. */
export function validateWeights(cfg: ModelConfig, weights: WeightMap, source = 'model'): void {
  const expected = expectedWeights(cfg);
  for (const [name, shape] of expected) {
    const t = weights.get(name);
    if (!t) throw new Error(`${source}: missing weight ${name} (shape [${shape.join(', ')}])`);
    if (t.shape.length !== shape.length || t.shape.some((x, i) => x !== shape[i])) {
      throw new Error(`${source}: weight ${name} has shape [${t.shape.join(', ')}] but the config implies [${shape.join(', ')}]`);
    }
  }
  for (const name of weights.keys()) {
    if (!expected.has(name)) throw new Error(`${source}: unexpected weight ${name} for a ${cfg.architecture} config`);
  }
}
