/** The trainer's parameters in @marr/core's TransformerLens layout (the WeightMap every analysis reads). */
import { tensor, type ModelConfig, type WeightMap } from '@marr/core';
import type { Parameters } from '../train/parameters.js';

/** [d, H·dh] columns → [H, d, dh]. */
function columnsToHeads(w: ArrayLike<number>, d: number, H: number, dh: number) {
  const out = new Float32Array(H * d * dh);
  for (let i = 0; i < d; i++) for (let h = 0; h < H; h++) for (let k = 0; k < dh; k++) out[(h * d + i) * dh + k] = w[i * H * dh + h * dh + k];
  return tensor([H, d, dh], out);
}

function copy(shape: number[], data: ArrayLike<number>) {
  return tensor(shape, Float32Array.from(data));
}

export function toTransformerLensWeights(p: Parameters): WeightMap {
  const cfg: ModelConfig = p.config;
  const { dModel: d, nHeads: H, nKvHeads: K, dHead: dh, dMlp: f, dVocab: V } = cfg;
  const w: WeightMap = new Map();
  const v = (n: string) => p.view(n);
  w.set('embed.W_E', copy([V, d], v('embed')));
  if (cfg.positional === 'learned') w.set('pos_embed.W_pos', copy([cfg.nCtx, d], v('pos')));
  for (let l = 0; l < cfg.nLayers; l++) {
    const s = `blocks.${l}.`;
    w.set(s + 'ln1.w', copy([d], v(s + 'ln1.w')));
    if (p.has(s + 'ln1.b')) w.set(s + 'ln1.b', copy([d], v(s + 'ln1.b')));
    w.set(s + 'attn.W_Q', columnsToHeads(v(s + 'q'), d, H, dh));
    w.set(s + 'attn.W_K', columnsToHeads(v(s + 'k'), d, K, dh));
    w.set(s + 'attn.W_V', columnsToHeads(v(s + 'v'), d, K, dh));
    w.set(s + 'attn.W_O', copy([H, dh, d], v(s + 'o')));
    if (cfg.attnBias) {
      w.set(s + 'attn.b_Q', copy([H, dh], v(s + 'q.b')));
      w.set(s + 'attn.b_K', copy([K, dh], v(s + 'k.b')));
      w.set(s + 'attn.b_V', copy([K, dh], v(s + 'v.b')));
      w.set(s + 'attn.b_O', copy([d], v(s + 'o.b')));
    }
    w.set(s + 'ln2.w', copy([d], v(s + 'ln2.w')));
    if (p.has(s + 'ln2.b')) w.set(s + 'ln2.b', copy([d], v(s + 'ln2.b')));
    w.set(s + 'mlp.W_in', copy([d, f], v(s + 'up')));
    if (cfg.gatedMlp) w.set(s + 'mlp.W_gate', copy([d, f], v(s + 'gate')));
    w.set(s + 'mlp.W_out', copy([f, d], v(s + 'down')));
    if (cfg.mlpBias) {
      w.set(s + 'mlp.b_in', copy([f], v(s + 'up.b')));
      w.set(s + 'mlp.b_out', copy([d], v(s + 'down.b')));
    }
  }
  w.set('ln_final.w', copy([d], v('lnf.w')));
  if (p.has('lnf.b')) w.set('ln_final.b', copy([d], v('lnf.b')));
  w.set('unembed.W_U', copy([d, V], v('unembed')));
  if (cfg.unembedBias) w.set('unembed.b_U', copy([V], v('unembed.b')));
  return w;
}
