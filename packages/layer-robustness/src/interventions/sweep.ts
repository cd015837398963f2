/**
 * The layer-robustness sweep: for every layer l, delete it; for every l < L-1, swap l and l+1; score
 * each intervened model's next-token distributions against the original's (see token-metrics.ts).
 *
 * Cost: per batch of windows the original model runs once, caching the residual entering each block;
 * each intervention then resumes from the residual before the first block it changes, so deleting l
 * runs L-1-l blocks and swapping l runs L-l blocks. The interventions cost L^2 - 1 block passes
 * (plus L for the original run and 2L readouts), about L + 1 forwards, instead of the (2L-1)L blocks
 * (2L - 1 forwards) of rerunning every intervened model from scratch (`resumeFromCache: false`, kept
 * as the plain reference path).
 */
import { batches, settings } from '@marr/core';
import type { HookedTransformer, LayerSchedule } from '@marr/core';
import { predictionRows } from './prediction-rows.js';
import { runFromResidual } from './run-from-residual.js';
import { deletionSchedule, identitySchedule, swapSchedule } from './schedules.js';
import { InterventionAccumulator, ReferenceDistributions, type InterventionMetrics } from './token-metrics.js';

export type LayerInterventionMetrics = { layer: number } & InterventionMetrics;

export interface SweepOptions {
  /** Windows per forward batch; default: as many as keep one batch's logits under ~64 MB. */
  batchWindows?: number;
  /** Reuse the original run's residuals (default true); false reruns every intervened model in full. */
  resumeFromCache?: boolean;
  /** Which interventions to run (default both). */
  interventions?: readonly ('deletion' | 'swap')[];
  signal?: AbortSignal;
  /** Called after each forward pass (1 + interventions per batch). */
  onStep?: () => void;
}

export interface SweepResult {
  deletion: LayerInterventionMetrics[];
  swap: LayerInterventionMetrics[];
  windows: number;
  /** Scored positions per intervention. */
  tokens: number;
}

/**
 * Windows per batch that keep a batch's memory under the MARR_BATCH_MEMORY_MB setting (default 160 MB).
 * A window costs its logit copies (original, reference distributions, intervened: ~4 x seq x vocab floats)
 * and its attention patterns in every layer's fused graph (~7 x heads x seq^2 x layers floats: each
 * compiled segment keeps an arena sized for its batch), measured on stories260K at 19 MB a window for
 * 128-token windows; smaller batches were as fast (3.2 s for 8 windows against 3.8 s for 128).
 */
export function defaultBatchWindows(seq: number, vocab: number, heads = 1, layers = 1): number {
  const budget = (settings().batchMemoryMB * 2 ** 20) / 4;
  const perWindow = 4 * seq * vocab + 7 * heads * seq * seq * layers;
  return Math.max(1, Math.min(256, Math.floor(budget / perWindow)));
}

/** Number of forward passes the sweep makes per batch (for progress bars). */
export function sweepStepsPerBatch(nLayers: number, interventions: readonly ('deletion' | 'swap')[] = ['deletion', 'swap']): number {
  return 1 + (interventions.includes('deletion') ? nLayers : 0) + (interventions.includes('swap') ? Math.max(0, nLayers - 1) : 0);
}

export async function layerInterventionSweep(
  model: HookedTransformer,
  windows: readonly (readonly number[])[],
  options: SweepOptions = {},
): Promise<SweepResult> {
  const L = model.config.nLayers;
  if (windows.length === 0) throw new RangeError('layerInterventionSweep: no token windows to score');
  const seq = windows[0].length;
  const batchWindows = options.batchWindows ?? defaultBatchWindows(seq, model.config.dVocab, model.config.nHeads, L);
  if (!Number.isInteger(batchWindows) || batchWindows < 1) throw new RangeError(`batchWindows must be a positive integer, got ${batchWindows}`);
  const resume = options.resumeFromCache ?? true;
  const kinds = options.interventions ?? ['deletion', 'swap'];
  const doDelete = kinds.includes('deletion');
  const doSwap = kinds.includes('swap');

  const deletion = doDelete ? identitySchedule(L).map(() => new InterventionAccumulator()) : [];
  const swap = doSwap ? identitySchedule(Math.max(0, L - 1)).map(() => new InterventionAccumulator()) : [];
  const cacheNames = identitySchedule(L).slice(1).map((l) => `blocks.${l}.hook_resid_pre`);

  for await (const { items: batch } of batches(windows, { size: batchWindows, signal: options.signal })) {
    const positions = predictionRows(batch);
    const original = await model.run(batch, { cache: resume ? cacheNames : false });
    options.onStep?.();
    const ref = new ReferenceDistributions(original.logits!, positions);

    // Runs blocks `suffix` on the residual that enters block `first` of the original model.
    const runSuffix = async (first: number, full: LayerSchedule, suffix: LayerSchedule) => {
      const r =
        !resume || first === 0
          ? await model.run(batch, { schedule: resume ? suffix : full })
          : await runFromResidual(model, batch, original.cache.get(`blocks.${first}.hook_resid_pre`), suffix);
      options.onStep?.();
      return r.logits!;
    };

    for (let l = 0; l < deletion.length; l++) {
      const full = deletionSchedule(L, l);
      // For l = 0 the suffix starts from the embedding: schedule [1..L-1] is the full deleted model.
      deletion[l].add(ref, await runSuffix(l, full, full.slice(l)));
    }
    for (let l = 0; l < swap.length; l++) {
      const full = swapSchedule(L, l);
      swap[l].add(ref, await runSuffix(l, full, full.slice(l)));
    }
  }
  const tokens = windows.length * (seq - 2);
  return {
    deletion: deletion.map((a, layer) => ({ layer, ...a.result() })),
    swap: swap.map((a, layer) => ({ layer, ...a.result() })),
    windows: windows.length,
    tokens,
  };
}
