/**
 * Resuming a forward pass from a residual stream computed earlier: the blocks of `schedule` run on
 * `residual` (instead of the embedding) and the model's own final norm and unembedding read it out.
 *
 * This lets the sweep reuse the original run's prefix: deleting block l or swapping l and l+1 leaves
 * blocks 0..l-1 unchanged, so only the rest is recomputed. It is core's `startAt` with the residual fed
 * into the schedule's first slot; an empty schedule gives the logit lens of `residual`.
 */
import type { Float32Tensor, HookedTransformer, LayerSchedule, RunOptions, RunResult } from '@marr/core';

export async function runFromResidual(
  model: HookedTransformer,
  tokens: readonly (readonly number[])[],
  residual: Float32Tensor,
  schedule: LayerSchedule,
  options: Omit<RunOptions, 'schedule' | 'startAt'> = {},
): Promise<RunResult> {
  return model.run(tokens, { ...options, schedule, startAt: { layer: 0, residual } });
}
