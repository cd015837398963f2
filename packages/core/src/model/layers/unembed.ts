/**
 * The unembedding: logits = x W_U (+ b_U).
 */
import { tensor, type Float32Tensor } from '../../tensor/tensor.js';
import type { LayerContext } from './context.js';

export async function unembed(ctx: LayerContext, x: Float32Tensor, lastOnly: boolean): Promise<Float32Tensor> {
  const [B, T, d] = x.shape;
  let input = x;
  if (lastOnly && T > 1) {
    const last = new Float32Array(B * d);
    for (let b = 0; b < B; b++) last.set(x.data.subarray((b * T + T - 1) * d, (b * T + T) * d), b * d);
    input = tensor([B, 1, d], last);
  }
  return ctx.backend.linear(input, ctx.weight('unembed.W_U'), ctx.optionalWeight('unembed.b_U'));
}
