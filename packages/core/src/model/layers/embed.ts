/**
 * Token (and learned position) embeddings: `hook_embed`, `hook_pos_embed`.
 */
import { embeddingLookup, add } from '../../tensor/ops.js';
import type { Float32Tensor, Int32Tensor } from '../../tensor/tensor.js';
import type { LayerContext } from './context.js';

export async function embed(ctx: LayerContext, tokens: Int32Tensor, positions: Int32Tensor): Promise<Float32Tensor> {
  const none = { slot: null, layer: null };
  const tok = await ctx.hooks.point('hook_embed', embeddingLookup(ctx.weight('embed.W_E'), tokens), none);
  if (ctx.cfg.positional !== 'learned') return tok;
  checkContext(ctx, positions);
  const pos = await ctx.hooks.point('hook_pos_embed', embeddingLookup(ctx.weight('pos_embed.W_pos'), positions), none);
  return add(tok, pos);
}

/** Learned positions exist only up to the model's context. */
export function checkContext(ctx: Pick<LayerContext, 'cfg'>, positions: Int32Tensor): void {
  const nCtx = ctx.cfg.nCtx;
  for (const p of positions.data) {
    if (p >= nCtx) throw new RangeError(`the sequence is longer than the model's context of ${nCtx} positions; shorten the input`);
  }
}
