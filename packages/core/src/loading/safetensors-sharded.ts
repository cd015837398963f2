/**
 * Sharded safetensors checkpoints: `model.safetensors.index.json` maps each tensor name to the shard file
 * holding it (`{"metadata": {...}, "weight_map": {name: "model-00001-of-00002.safetensors"}}`).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import { readSafetensors } from './safetensors.js';

export const SAFETENSORS_INDEX = 'model.safetensors.index.json';
export const SAFETENSORS_SINGLE = 'model.safetensors';

export interface ShardIndex {
  /** Shard file names (plain names inside the folder), sorted. */
  shards: string[];
  weightMap: Map<string, string>;
}

/** Parses and validates a shard index; shard names must be plain file names inside the folder. */
export function parseShardIndex(path: string, text: string): ShardIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const wm = (raw as { weight_map?: unknown } | null)?.weight_map;
  if (wm === null || typeof wm !== 'object' || Array.isArray(wm)) {
    throw new Error(`${path}: expected an object with a "weight_map" of tensor name -> shard file`);
  }
  const weightMap = new Map<string, string>();
  const shards: string[] = [];
  for (const [name, file] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof file !== 'string' || file !== basename(file) || file === '..' || file === '.' || !file.endsWith('.safetensors')) {
      throw new Error(`${path}: tensor ${name} points to ${JSON.stringify(file)}; shards must be .safetensors files in the same folder`);
    }
    weightMap.set(name, file);
    if (!shards.includes(file)) shards.push(file);
  }
  return { shards: shards.sort(), weightMap };
}

export interface FolderTensors {
  tensors: Map<string, Tensor>;
  /** Every file read, absolute or as joined from the folder. */
  files: string[];
}

/** Reads all tensors of an HF folder: sharded when the index exists, else `model.safetensors`. */
export async function readSafetensorsFolder(dir: string): Promise<FolderTensors> {
  const indexPath = join(dir, SAFETENSORS_INDEX);
  if (existsSync(indexPath)) {
    const index = parseShardIndex(indexPath, await readFile(indexPath, 'utf8'));
    const tensors = new Map<string, Tensor>();
    const files = [indexPath];
    for (const shard of index.shards) {
      const shardPath = join(dir, shard);
      if (!existsSync(shardPath)) throw new Error(`${indexPath} lists shard ${shard}, but ${shardPath} does not exist; the download is incomplete`);
      const wanted = new Set([...index.weightMap].filter(([, f]) => f === shard).map(([n]) => n));
      const { tensors: part } = await readSafetensors(shardPath);
      for (const name of wanted) {
        const t = part.get(name);
        if (!t) throw new Error(`${indexPath} says tensor ${name} is in ${shard}, but that shard does not contain it`);
        tensors.set(name, t);
      }
      files.push(shardPath);
    }
    return { tensors, files };
  }
  const single = join(dir, SAFETENSORS_SINGLE);
  if (existsSync(single)) {
    const { tensors } = await readSafetensors(single);
    return { tensors, files: [single] };
  }
  const pickles = ['pytorch_model.bin', 'model.pt', 'pytorch_model.bin.index.json'].filter((f) => existsSync(join(dir, f)));
  if (pickles.length > 0) {
    throw new Error(
      `${dir} has only PyTorch pickle weights (${pickles.join(', ')}), which marr never loads because unpickling can execute code. ` +
        `Convert them to safetensors (e.g. transformers: model.save_pretrained(dir, safe_serialization=True)) and try again.`,
    );
  }
  throw new Error(`${dir} has neither ${SAFETENSORS_SINGLE} nor ${SAFETENSORS_INDEX}; an HF model folder needs its weights in safetensors format`);
}
