/**
 * The SAE latents of a model on token windows, kept sparsely (only latents > threshold of features that
 * belong to a cluster), and each cluster's reconstruction on the tokens where any of its features fires:
 * Σ_f act_f · W_dec[f] over the cluster's features, without b_dec (as the authors'
 * get_cluster_activations in gpt2_compute_reducibility.py).
 */
import { batches, type HookedTransformer, type Progress } from '@marr/core';
import type { Sae } from '@marr/sae';

export interface SparseLatents {
  /** Tokens kept (BOS positions left out when asked). */
  tokens: number;
  /** The token id at each kept token. */
  tokenIds: Int32Array;
  /** CSR: latents of token t are entries rowStart[t] .. rowStart[t + 1] − 1. */
  rowStart: Int32Array;
  feature: Int32Array;
  value: Float32Array;
}

export interface SparseLatentOptions {
  batchWindows: number;
  excludeBos: boolean;
  /** Keep only these latents (null: all). */
  keep: Uint8Array | null;
  threshold?: number;
  signal?: AbortSignal;
  progress?: Progress;
}

export async function sparseLatents(model: HookedTransformer, sae: Sae, windows: readonly number[][], options: SparseLatentOptions): Promise<SparseLatents> {
  const hook = sae.cfg.hookName!;
  const { dIn, dSae } = sae.cfg;
  const bos = model.tokenizer?.bosTokenId ?? null;
  const threshold = options.threshold ?? 0;
  const ids: number[] = [], starts: number[] = [0], feats: number[] = [], vals: number[] = [];
  for await (const { items: batch } of batches(windows, { size: options.batchWindows, signal: options.signal, progress: options.progress, label: 'SAE latents' })) {
    const T = batch[0].length;
    const run = await model.run(batch, { cache: [hook], returnLogits: false });
    const x = run.cache.get(hook);
    const rows = x.data.length / dIn;
    const z = await sae.encode({ dtype: 'float32', shape: [rows, dIn], data: x.data });
    for (let r = 0; r < rows; r++) {
      const w = Math.floor(r / T), pos = r % T;
      if (options.excludeBos && bos !== null && pos === 0 && batch[w][0] === bos) continue;
      ids.push(batch[w][pos]);
      const o = r * dSae;
      for (let j = 0; j < dSae; j++) {
        const a = z.data[o + j];
        if (a > threshold && (!options.keep || options.keep[j])) {
          feats.push(j);
          vals.push(a);
        }
      }
      starts.push(feats.length);
    }
  }
  return { tokens: ids.length, tokenIds: Int32Array.from(ids), rowStart: Int32Array.from(starts), feature: Int32Array.from(feats), value: Float32Array.from(vals) };
}

export interface ClusterReconstruction {
  /** Kept token indices (into SparseLatents), in order. */
  tokens: number[];
  /** Row-major [tokens, d]: Σ act · W_dec over the cluster's features. */
  data: Float64Array;
  d: number;
}

/** The reconstructions of every cluster at once (one pass over the tokens), at most `limit` tokens each (the first ones). */
export function clusterReconstructions(latents: SparseLatents, clusterOf: Int32Array, clusterCount: number, W_dec: Float32Array, d: number, limit: number): ClusterReconstruction[] {
  const tokens: number[][] = Array.from({ length: clusterCount }, () => []);
  const rows: number[][] = Array.from({ length: clusterCount }, () => []);
  const touched = new Int32Array(clusterCount).fill(-1);
  const acc = new Map<number, Float64Array>();
  for (let t = 0; t < latents.tokens; t++) {
    acc.clear();
    for (let e = latents.rowStart[t]; e < latents.rowStart[t + 1]; e++) {
      const f = latents.feature[e];
      const c = clusterOf[f];
      if (c < 0 || tokens[c].length >= limit) continue;
      let v = acc.get(c);
      if (!v) {
        v = new Float64Array(d);
        acc.set(c, v);
        touched[c] = t;
      }
      const a = latents.value[e];
      const o = f * d;
      for (let j = 0; j < d; j++) v[j] += a * W_dec[o + j];
    }
    for (const [c, v] of acc) {
      tokens[c].push(t);
      for (let j = 0; j < d; j++) rows[c].push(v[j]);
    }
  }
  return tokens.map((tk, c) => ({ tokens: tk, data: Float64Array.from(rows[c]), d }));
}
