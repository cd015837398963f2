/**
 * The clean run over a dataset's token windows: for every position, the final residual (the last block's
 * `hook_resid_post`), the final norm's divisor (`ln_final.hook_scale`, the value the direct effect
 * freezes) and the activations of one layer's neurons (`blocks.L.mlp.hook_post`), in batches through
 * core's `batches` (progress, cancellation).
 */
import { batches, type HookedTransformer, type Progress } from '@marr/core';

export interface CleanRun {
  windows: number[][];
  /** Positions in all: windows x window length, row-major. */
  positions: number;
  T: number;
  /** [positions, dModel]. */
  resid: Float32Array;
  /** [positions]. */
  scale: Float32Array;
  /** [positions, dMlp]. */
  acts: Float32Array;
}

export interface CleanRunOptions {
  batchSize: number;
  signal?: AbortSignal;
  progress?: Progress;
}

export async function cleanRun(model: HookedTransformer, windows: number[][], layer: number, options: CleanRunOptions): Promise<CleanRun> {
  const T = windows[0].length;
  if (windows.some((w) => w.length !== T)) throw new Error('cleanRun: every window must have the same length');
  const { dModel: d, dMlp: n, nLayers } = model.config;
  const P = windows.length * T;
  const resid = new Float32Array(P * d);
  const scale = new Float32Array(P);
  const acts = new Float32Array(P * n);
  const residName = `blocks.${nLayers - 1}.hook_resid_post`;
  const postName = `blocks.${layer}.mlp.hook_post`;
  for await (const batch of batches(windows, { size: options.batchSize, signal: options.signal, progress: options.progress, label: 'clean run' })) {
    const { cache } = await model.runWithCache(batch.items, { cache: [residName, postName, 'ln_final.hook_scale'], returnLogits: false });
    const o = batch.start * T;
    resid.set(cache.get(residName).data, o * d);
    scale.set(cache.get('ln_final.hook_scale').data, o);
    acts.set(cache.get(postName).data, o * n);
  }
  return { windows, positions: P, T, resid, scale, acts };
}

/** The mean activation of each neuron over every position of the dataset (the authors' ablation value). */
export function meanActivations(run: CleanRun, dMlp: number): Float64Array {
  const mean = new Float64Array(dMlp);
  for (let p = 0; p < run.positions; p++) for (let j = 0; j < dMlp; j++) mean[j] += run.acts[p * dMlp + j];
  for (let j = 0; j < dMlp; j++) mean[j] /= run.positions;
  return mean;
}
