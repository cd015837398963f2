/**
 * Candidate refusal directions (pipeline/submodules/generate_directions.py): for every post-instruction
 * position i (-nPos..-1) and layer l, r = mean(harmful) - mean(harmless) of blocks.l.hook_resid_pre at
 * position i, accumulated in float64 over left-padded batches.
 */
import { batches, type HookedTransformer, type Progress } from '@marr/core';

export interface RunIo {
  signal?: AbortSignal;
  progress?: Progress;
}

/** [nPos][nLayers][dModel] in one Float64Array. */
export interface PositionLayerVectors {
  nPos: number;
  nLayers: number;
  dModel: number;
  data: Float64Array;
}

export function vectorAt(v: PositionLayerVectors, pos: number, layer: number): Float64Array {
  const at = (pos * v.nLayers + layer) * v.dModel;
  return v.data.subarray(at, at + v.dModel);
}

/** The mean of resid_pre over prompts at each of the last nPos positions, per layer. */
export async function meanResidPre(
  model: HookedTransformer,
  prompts: readonly string[],
  nPos: number,
  options: RunIo & { batchSize: number; label?: string },
): Promise<PositionLayerVectors> {
  const { nLayers: L, dModel: d } = model.config;
  const names = Array.from({ length: L }, (_, l) => `blocks.${l}.hook_resid_pre`);
  const data = new Float64Array(nPos * L * d);
  for await (const { items } of batches(prompts, { size: options.batchSize, signal: options.signal, progress: options.progress, label: options.label ?? 'mean activations' })) {
    const batch = model.toTokens(items);
    const { cache } = await model.runWithCache(batch, { cache: names, returnLogits: false });
    const T = batch.tokens[0].length;
    for (const l of batch.lengths) if (l < nPos) throw new Error(`a prompt has ${l} tokens, fewer than the ${nPos} post-instruction positions`);
    for (let l = 0; l < L; l++) {
      const act = cache.get(names[l]).data;
      for (let b = 0; b < items.length; b++) {
        for (let p = 0; p < nPos; p++) {
          const src = (b * T + (T - nPos + p)) * d;
          const dst = (p * L + l) * d;
          for (let j = 0; j < d; j++) data[dst + j] += act[src + j];
        }
      }
    }
  }
  for (let i = 0; i < data.length; i++) data[i] /= prompts.length;
  return { nPos, nLayers: L, dModel: d, data };
}

/** The candidates: mean(harmful) - mean(harmless) for every position and layer. */
export async function candidateDirections(
  model: HookedTransformer,
  harmful: readonly string[],
  harmless: readonly string[],
  nPos: number,
  options: RunIo & { batchSize: number },
): Promise<PositionLayerVectors> {
  const a = await meanResidPre(model, harmful, nPos, { ...options, label: 'mean activations (harmful)' });
  const b = await meanResidPre(model, harmless, nPos, { ...options, label: 'mean activations (harmless)' });
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = a.data[i] - b.data[i];
  return { ...a, data };
}
