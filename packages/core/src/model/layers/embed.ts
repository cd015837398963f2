/**
 * Token (and learned position) embeddings: `hook_embed`, `hook_pos_embed`.
 */
import { embeddingLookup, add } from '../../tensor/ops.js';
import type { Float32Tensor, Int32Tensor } from '../../tensor/tensor.js';
import type { LayerContext } from './context.js';

export function embed(ctx: LayerContext, tokens: Int32Tensor, positions: Int32Tensor): Float32Tensor {
  const none = { position: null, layer: null };
  const tok = ctx.hooks.point('hook_embed', embeddingLookup(ctx.weight('embed.W_E'), tokens), none);
  if (ctx.cfg.positional !== 'learned') return tok;
  const nCtx = ctx.cfg.nCtx;
  for (const p of positions.data) {
    if (p >= nCtx) throw new RangeError(`the sequence is longer than the model's context of ${nCtx} positions; shorten the input`);
  }
  const pos = ctx.hooks.point('hook_pos_embed', embeddingLookup(ctx.weight('pos_embed.W_pos'), positions), none);
  return add(tok, pos);
}
