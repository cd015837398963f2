/**
 * One transformer block: pre-norm attention and MLP, sequential (GPT-2, Llama) or parallel (GPT-NeoX).
 */
import { add } from '../../tensor/ops.js';
import type { Float32Tensor, Int32Tensor } from '../../tensor/tensor.js';
import { attention, type KvEntry } from './attention.js';
import type { BlockPosition, LayerContext } from './context.js';
import { mlp } from './mlp.js';
import { norm } from './norm.js';

export async function block(
  ctx: LayerContext,
  resid: Float32Tensor,
  positions: Int32Tensor,
  mask: Float32Tensor,
  kv: KvEntry | null,
  at: BlockPosition,
): Promise<{ resid: Float32Tensor; kv: KvEntry }> {
  const { hooks, cfg } = ctx;
  const p = `blocks.${at.position}.`;
  const hc = { position: at.position, layer: at.layer };
  const residPre = hooks.point(p + 'hook_resid_pre', resid, hc);
  const attnIn = norm(ctx, residPre, 'ln1', p, hc);
  const a = await attention(ctx, { x: attnIn, positions, mask, kv }, at);
  const attnOut = hooks.point(p + 'hook_attn_out', a.out, hc);
  let mlpOut: Float32Tensor;
  let residPost: Float32Tensor;
  if (cfg.parallelAttnMlp) {
    mlpOut = hooks.point(p + 'hook_mlp_out', await mlp(ctx, norm(ctx, residPre, 'ln2', p, hc), at), hc);
    residPost = add(add(residPre, attnOut), mlpOut);
  } else {
    const residMid = hooks.point(p + 'hook_resid_mid', add(residPre, attnOut), hc);
    mlpOut = hooks.point(p + 'hook_mlp_out', await mlp(ctx, norm(ctx, residMid, 'ln2', p, hc), at), hc);
    residPost = add(residMid, mlpOut);
  }
  return { resid: hooks.point(p + 'hook_resid_post', residPost, hc), kv: a.kv };
}
