/**
 * The baseline of integrated gradients on token embeddings: the point x' the path starts from, per
 * prompt position, in the space of `hook_embed` ([seq, dModel] per prompt).
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { HookedTransformer } from '../model/types.js';
import type { Float32Tensor } from '../tensor/tensor.js';

/**
 * `'zero'`: the zero embedding at every position (Sundararajan et al.'s choice for text). `{ token }`:
 * that token's embedding at every position (a pad, BOS or neutral word). `{ embedding }`: a tensor,
 * [dModel] (the same vector at every position) or [seq, dModel] (one row per position; every prompt must
 * then have seq tokens).
 */
export type EmbeddingBaseline = 'zero' | { token: number } | { embedding: Float32Tensor };

/** A short description for reports: `zero`, `token 5`, `embedding [96]`. */
export function describeBaseline(baseline: EmbeddingBaseline): string {
  if (baseline === 'zero') return 'zero';
  if ('token' in baseline) return `token ${baseline.token}`;
  return `embedding [${baseline.embedding.shape.join(', ')}]`;
}

/** The token embeddings of `tokens` as `hook_embed` sees them, [T * dModel]. */
export async function tokenEmbeddings(model: HookedTransformer, tokens: readonly number[]): Promise<Float32Array> {
  const { cache } = await model.runWithCache([tokens], { cache: ['hook_embed'], stopAtLayer: 0 });
  return cache.get('hook_embed').data.slice();
}

/** Checks the baseline against the model once; throws one usage error naming the problem and the fix. */
export function checkBaseline(model: HookedTransformer, baseline: EmbeddingBaseline): void {
  const { dModel: D, dVocab: V } = model.config;
  if (baseline === 'zero') return;
  if (typeof baseline !== 'object' || baseline === null) {
    throw new MarrUsageError(`integrated gradients: unknown baseline ${JSON.stringify(baseline)}; use 'zero', { token: id } or { embedding: tensor }`);
  }
  if ('token' in baseline) {
    const t = baseline.token;
    if (!Number.isInteger(t) || t < 0 || t >= V) {
      throw new MarrUsageError(`integrated gradients: the baseline token ${t} is not a token id of this model (0 to ${V - 1}); pick a token in the vocabulary`);
    }
    return;
  }
  const e = baseline.embedding;
  const ok = (e.shape.length === 1 && e.shape[0] === D) || (e.shape.length === 2 && e.shape[1] === D);
  if (!ok) {
    throw new MarrUsageError(`integrated gradients: the baseline embedding has shape [${e.shape.join(', ')}] but must be [dModel] = [${D}] or [seq, ${D}]`);
  }
  const bad = e.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new MarrUsageError(`integrated gradients: the baseline embedding has a non-finite value (${e.data[bad]}) at flat index ${bad}; give finite numbers`);
  }
}

/**
 * The baseline for one prompt of `T` tokens whose embeddings are `input` ([T * dModel]); positions in
 * `fixed` keep their input embedding (their attribution is 0), e.g. BOS.
 */
export async function baselineEmbeddings(
  model: HookedTransformer,
  baseline: EmbeddingBaseline,
  input: Float32Array,
  T: number,
  fixed: readonly number[],
  prompt: number,
): Promise<Float32Array> {
  const D = model.config.dModel;
  const out = new Float32Array(T * D);
  if (baseline !== 'zero') {
    if ('token' in baseline) {
      const row = await tokenEmbeddings(model, [baseline.token]);
      for (let t = 0; t < T; t++) out.set(row, t * D);
    } else {
      const e = baseline.embedding;
      if (e.shape.length === 1) for (let t = 0; t < T; t++) out.set(e.data, t * D);
      else if (e.shape[0] !== T) {
        throw new MarrUsageError(`integrated gradients: the baseline embedding has ${e.shape[0]} positions but prompt ${prompt} has ${T} tokens; give [dModel] or one row per token`);
      } else out.set(e.data);
    }
  }
  for (const p of fixed) if (p < T) out.set(input.subarray(p * D, (p + 1) * D), p * D);
  return out;
}
