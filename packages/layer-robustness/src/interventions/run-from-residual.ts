/**
 * Resuming a forward pass from a residual stream computed earlier: the blocks of `schedule` run on
 * `residual` (instead of the embedding) and the model's own final norm and unembedding read it out.
 *
 * This lets the sweep reuse the original run's prefix: deleting block l or swapping l and l+1 leaves
 * blocks 0..l-1 unchanged, so only the rest is recomputed. It works by replacing `hook_embed` with the
 * residual (and `hook_pos_embed` with zeros for learned positions), so the embedding's output is the
 * residual exactly; an empty schedule gives the logit lens of `residual`.
 */
import type { Float32Tensor, HookedTransformer, LayerSchedule, RunOptions, RunResult } from '@marr/core';
import { tensor } from '@marr/core';

export async function runFromResidual(
  model: HookedTransformer,
  tokens: readonly (readonly number[])[],
  residual: Float32Tensor,
  schedule: LayerSchedule,
  options: Omit<RunOptions, 'schedule'> = {},
): Promise<RunResult> {
  const B = tokens.length;
  const T = tokens[0]?.length ?? 0;
  const d = model.config.dModel;
  if (residual.shape.length !== 3 || residual.shape[0] !== B || residual.shape[1] !== T || residual.shape[2] !== d) {
    throw new RangeError(`runFromResidual: residual must have shape [${B}, ${T}, ${d}] (batch, seq, dModel), got [${residual.shape}]`);
  }
  const hooks = [
    ...(options.hooks ?? []),
    { name: 'hook_embed', fn: () => residual },
    ...(model.config.positional === 'learned'
      ? [{ name: 'hook_pos_embed', fn: (x: Float32Tensor) => tensor(x.shape, new Float32Array(x.data.length)) }]
      : []),
  ];
  return model.run(tokens, { ...options, schedule, hooks });
}
