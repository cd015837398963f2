/**
 * One transformer block: pre-norm attention and MLP, sequential (GPT-2, Llama) or parallel (GPT-NeoX).
 */
import { add } from '../../tensor/ops.js';
import type { Float32Tensor, Int32Tensor } from '../../tensor/tensor.js';
import { attention, repeatHeads, type KvEntry, type SplitQkvInput } from './attention.js';
import type { BlockSlot, LayerContext } from './context.js';
import { mlp } from './mlp.js';
import { norm } from './norm.js';

export async function block(
  ctx: LayerContext,
  resid: Float32Tensor,
  positions: Int32Tensor,
  mask: Float32Tensor,
  kv: KvEntry | null,
  at: BlockSlot,
): Promise<{ resid: Float32Tensor; kv: KvEntry }> {
  const { hooks, cfg } = ctx;
  const p = `blocks.${at.slot}.`;
  const residPre = await hooks.point(p + 'hook_resid_pre', resid, at);
  let split: SplitQkvInput | null = null;
  if (hooks.optIn.has('splitQkvInput')) {
    split = {
      residPre,
      q: await hooks.point(p + 'hook_q_input', repeatHeads(residPre, cfg.nHeads), at),
      k: await hooks.point(p + 'hook_k_input', repeatHeads(residPre, cfg.nKvHeads), at),
      v: await hooks.point(p + 'hook_v_input', repeatHeads(residPre, cfg.nKvHeads), at),
    };
  }
  const attnIn = await norm(ctx, residPre, 'ln1', p, at);
  const a = await attention(ctx, { x: attnIn, positions, mask, kv }, at, split);
  const attnOut = await hooks.point(p + 'hook_attn_out', a.out, at);
  let residPost: Float32Tensor;
  if (cfg.parallelAttnMlp) {
    const mlpOut = await hooks.point(p + 'hook_mlp_out', await mlp(ctx, await norm(ctx, residPre, 'ln2', p, at), at), at);
    residPost = add(add(residPre, attnOut), mlpOut);
  } else {
    const residMid = await hooks.point(p + 'hook_resid_mid', add(residPre, attnOut), at);
    const mlpOut = await hooks.point(p + 'hook_mlp_out', await mlp(ctx, await norm(ctx, residMid, 'ln2', p, at), at), at);
    residPost = add(residMid, mlpOut);
  }
  return { resid: await hooks.point(p + 'hook_resid_post', residPost, at), kv: a.kv };
}
