/**
 * Writing marr weights of a GPT-2-architecture model as an HF GPT-2 folder (config.json and
 * model.safetensors with GPT2LMHeadModel names and Conv1D [in, out] layouts), so the model can be loaded
 * through the HF path or by Hugging Face transformers.
 */
import { join } from 'node:path';
import type { ModelConfig } from '../model/config.js';
import { validateWeights, type WeightMap } from '../model/weights.js';
import { tensor, type Float32Tensor, type Tensor } from '../tensor/tensor.js';
import { writeJsonAtomic } from './atomic-write.js';
import { modelConfigToHfGpt2 } from './hf-config.js';
import { transpose2d } from './layout.js';
import { writeSafetensors } from './safetensors.js';

/** [H, d, dh] heads → Conv1D columns [d, H*dh] (head h, coordinate k at column h*dh + k). */
function headsToColumns(w: Float32Tensor): Float32Tensor {
  const [H, d, dh] = w.shape;
  const out = new Float32Array(d * H * dh);
  for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let k = 0; k < dh; k++) out[i * H * dh + h * dh + k] = w.data[(h * d + i) * dh + k];
  return tensor([d, H * dh], out);
}

function concatColumns(parts: Float32Tensor[]): Float32Tensor {
  const rows = parts[0].shape[0];
  const cols = parts.reduce((a, p) => a + p.shape[1], 0);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let c0 = 0;
    for (const p of parts) {
      out.set(p.data.subarray(r * p.shape[1], (r + 1) * p.shape[1]), r * cols + c0);
      c0 += p.shape[1];
    }
  }
  return tensor([rows, cols], out);
}

function sameData(a: Float32Tensor, b: Float32Tensor): boolean {
  return a.data.length === b.data.length && a.data.every((x, i) => x === b.data[i]);
}

/** Writes `dir/config.json` and `dir/model.safetensors`; returns the written paths. */
export async function writeHfGpt2Folder(cfg: ModelConfig, weights: WeightMap, dir: string): Promise<string[]> {
  if (cfg.architecture !== 'gpt2') throw new Error(`writeHfGpt2Folder: expected a gpt2 config, got ${cfg.architecture}`);
  validateWeights(cfg, weights, 'writeHfGpt2Folder');
  const get = (n: string): Float32Tensor => weights.get(n)!;
  const flat = (t: Float32Tensor): Float32Tensor => tensor([t.data.length], t.data);
  const t = new Map<string, Tensor>();
  const wte = get('embed.W_E');
  t.set('transformer.wte.weight', wte);
  t.set('transformer.wpe.weight', get('pos_embed.W_pos'));
  for (let l = 0; l < cfg.nLayers; l++) {
    const b = `blocks.${l}.`;
    const p = `transformer.h.${l}.`;
    t.set(p + 'ln_1.weight', get(b + 'ln1.w'));
    t.set(p + 'ln_1.bias', get(b + 'ln1.b'));
    t.set(p + 'attn.c_attn.weight', concatColumns(['W_Q', 'W_K', 'W_V'].map((n) => headsToColumns(get(b + 'attn.' + n)))));
    const biases = ['b_Q', 'b_K', 'b_V'].map((n) => get(b + 'attn.' + n).data);
    const qkvBias = new Float32Array(biases.reduce((a, x) => a + x.length, 0));
    let off = 0;
    for (const x of biases) {
      qkvBias.set(x, off);
      off += x.length;
    }
    t.set(p + 'attn.c_attn.bias', tensor([qkvBias.length], qkvBias));
    const wo = get(b + 'attn.W_O');
    t.set(p + 'attn.c_proj.weight', tensor([wo.shape[0] * wo.shape[1], wo.shape[2]], wo.data)); // [H*dh, d] is Conv1D's [in, out]
    t.set(p + 'attn.c_proj.bias', flat(get(b + 'attn.b_O')));
    t.set(p + 'ln_2.weight', get(b + 'ln2.w'));
    t.set(p + 'ln_2.bias', get(b + 'ln2.b'));
    t.set(p + 'mlp.c_fc.weight', get(b + 'mlp.W_in'));
    t.set(p + 'mlp.c_fc.bias', get(b + 'mlp.b_in'));
    t.set(p + 'mlp.c_proj.weight', get(b + 'mlp.W_out'));
    t.set(p + 'mlp.c_proj.bias', get(b + 'mlp.b_out'));
  }
  t.set('transformer.ln_f.weight', get('ln_final.w'));
  t.set('transformer.ln_f.bias', get('ln_final.b'));
  // Tie only when W_U really is W_E's transpose; otherwise store the unembedding as lm_head.
  const lmHead = transpose2d(get('unembed.W_U'));
  const tied = cfg.tiedEmbeddings && sameData(lmHead, wte);
  if (!tied) t.set('lm_head.weight', lmHead);
  const configPath = join(dir, 'config.json');
  const weightsPath = join(dir, 'model.safetensors');
  await writeJsonAtomic(configPath, modelConfigToHfGpt2({ ...cfg, tiedEmbeddings: tied }));
  await writeSafetensors(weightsPath, t, { metadata: { format: 'pt' } });
  return [configPath, weightsPath];
}
