/**
 * The SAELens folder: `cfg.json` and `sae_weights.safetensors` (W_enc [d_in, d_sae], b_enc [d_sae],
 * W_dec [d_sae, d_in], b_dec [d_in], and threshold [d_sae] for JumpReLU).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readSafetensors, writeJsonAtomic, writeSafetensors, type Float32Tensor, type Tensor } from '@marr/core';
import { parseSaeConfig, saeConfigToJson } from './config.js';
import { checkSaeWeights, createSae, type Sae, type SaeWeights } from '../sae.js';

export const SAE_CFG_FILENAME = 'cfg.json';
export const SAE_WEIGHTS_FILENAME = 'sae_weights.safetensors';

const WEIGHT_NAMES = ['W_enc', 'b_enc', 'W_dec', 'b_dec', 'threshold'] as const;

/** An SAE loaded from disk keeps the tensors it did not interpret, so saving writes them back. */
export interface LoadedSae extends Sae {
  readonly extraTensors: ReadonlyMap<string, Tensor>;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Loads an SAELens SAE folder (`path` may also be the cfg.json inside it). */
export async function loadSae(path: string): Promise<LoadedSae> {
  const folder = path.endsWith(SAE_CFG_FILENAME) ? path.slice(0, -SAE_CFG_FILENAME.length) || '.' : path;
  const cfgPath = join(folder, SAE_CFG_FILENAME);
  const weightsPath = join(folder, SAE_WEIGHTS_FILENAME);
  const folderOk = await stat(folder).then((s) => s.isDirectory(), () => false);
  if (!folderOk) throw new Error(`loadSae: ${folder} is not a folder; pass the SAELens SAE folder that holds ${SAE_CFG_FILENAME} and ${SAE_WEIGHTS_FILENAME}`);
  if (!(await isFile(cfgPath))) throw new Error(`loadSae: ${folder} has no ${SAE_CFG_FILENAME}; an SAELens SAE folder holds ${SAE_CFG_FILENAME} and ${SAE_WEIGHTS_FILENAME}`);
  if (!(await isFile(weightsPath))) throw new Error(`loadSae: ${folder} has no ${SAE_WEIGHTS_FILENAME}; an SAELens SAE folder holds ${SAE_CFG_FILENAME} and ${SAE_WEIGHTS_FILENAME}`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(cfgPath, 'utf8'));
  } catch (err) {
    throw new Error(`loadSae: ${cfgPath} is not valid JSON (${(err as Error).message})`);
  }
  const cfg = parseSaeConfig(raw, cfgPath);
  const { tensors } = await readSafetensors(weightsPath);
  const float = (name: string): Float32Tensor | undefined => {
    const t = tensors.get(name);
    if (t && t.dtype !== 'float32') throw new Error(`loadSae: ${weightsPath}: ${name} is stored as integers; SAE weights are floating point`);
    return t as Float32Tensor | undefined;
  };
  let threshold = float('threshold');
  const logThreshold = float('log_threshold');
  if (!threshold && logThreshold && cfg.architecture === 'jumprelu') {
    threshold = { dtype: 'float32', shape: logThreshold.shape, data: logThreshold.data.map(Math.exp) };
    tensors.delete('log_threshold');
  }
  const weights: SaeWeights = { W_enc: float('W_enc')!, b_enc: float('b_enc')!, W_dec: float('W_dec')!, b_dec: float('b_dec')! };
  if (threshold && cfg.architecture === 'jumprelu') weights.threshold = threshold;
  checkSaeWeights(cfg, weights, `loadSae: ${folder}`);
  const extra = new Map<string, Tensor>();
  for (const [name, t] of tensors) {
    if ((WEIGHT_NAMES as readonly string[]).includes(name) && (name !== 'threshold' || cfg.architecture === 'jumprelu')) continue;
    extra.set(name, t);
  }
  const fine = extra.get('scaling_factor');
  if (fine && fine.data.some((v) => v !== 1)) {
    throw new Error(`loadSae: ${weightsPath} has a finetuning scaling_factor other than 1, which marr does not apply; fold it into W_dec first (W_dec *= scaling_factor[:, None])`);
  }
  const sae = createSae(cfg, weights);
  return Object.assign(sae, { extraTensors: extra as ReadonlyMap<string, Tensor> });
}

/** Rounds float32 values to the nearest bfloat16 (ties to even), keeping them as float32. */
function roundToBf16(src: Float32Array): Float32Array {
  const out = new Float32Array(src.length);
  const u = new Uint32Array(out.buffer);
  out.set(src);
  for (let i = 0; i < u.length; i++) {
    const x = u[i];
    if ((x & 0x7f800000) === 0x7f800000) { u[i] = x & 0xffff0000; if (x & 0xffff) u[i] |= 0x10000; continue; } // inf / nan
    u[i] = ((x + 0x7fff + ((x >>> 16) & 1)) >>> 0) & 0xffff0000;
  }
  return out;
}

/**
 * Writes an SAE as an SAELens folder (created if missing; each file written atomically). Weights are
 * stored in the cfg's dtype: F32, F16, or, for bfloat16, float32 values rounded to bfloat16 and stored
 * as F32 (exact; SAELens casts to the cfg dtype on load).
 */
export async function saveSae(sae: Sae, path: string): Promise<void> {
  const { cfg, weights } = sae;
  checkSaeWeights(cfg, weights, 'saveSae');
  const tensors = new Map<string, Tensor>();
  const cast = (t: Float32Tensor): Float32Tensor => (cfg.dtype === 'bfloat16' ? { ...t, data: roundToBf16(t.data) } : t);
  tensors.set('W_enc', cast(weights.W_enc));
  tensors.set('b_enc', cast(weights.b_enc));
  tensors.set('W_dec', cast(weights.W_dec));
  tensors.set('b_dec', cast(weights.b_dec));
  if (cfg.architecture === 'jumprelu') tensors.set('threshold', cast(weights.threshold!));
  const extra = (sae as Partial<LoadedSae>).extraTensors;
  if (extra) for (const [name, t] of extra) if (!tensors.has(name)) tensors.set(name, t.dtype === 'float32' ? cast(t) : t);
  await writeSafetensors(join(path, SAE_WEIGHTS_FILENAME), tensors, { dtype: cfg.dtype === 'float16' ? 'F16' : 'F32' });
  await writeJsonAtomic(join(path, SAE_CFG_FILENAME), saeConfigToJson(cfg));
}
