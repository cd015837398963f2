/**
 * The MLP (plain or gated/SwiGLU) with TransformerLens hooks: mlp.hook_pre (pre-activation of the gate
 * for gated MLPs), mlp.hook_pre_linear (gated only), mlp.hook_post (neuron activations); the block
 * emits hook_mlp_out.
 */
import { activation } from '../../tensor/ops.js';
import { tensor, type Float32Tensor } from '../../tensor/tensor.js';
import type { BlockSlot, LayerContext } from './context.js';

export async function mlp(ctx: LayerContext, x: Float32Tensor, at: BlockSlot): Promise<Float32Tensor> {
  const { cfg, backend, hooks } = ctx;
  const w = `blocks.${at.layer}.mlp.`;
  const p = `blocks.${at.slot}.mlp.`;
  const wantPre = hooks.wants(p + 'hook_pre');
  const wantPreLinear = cfg.gatedMlp && hooks.wants(p + 'hook_pre_linear');
  const r = await backend.mlpIn(
    x,
    ctx.weight(w + 'W_in'),
    ctx.optionalWeight(w + 'b_in'),
    cfg.gatedMlp ? ctx.weight(w + 'W_gate') : undefined,
    cfg.act,
    // A hook on either pre-activation may rewrite it, and recomputing the neurons then needs both.
    { pre: wantPre || wantPreLinear, preLinear: cfg.gatedMlp && (wantPre || wantPreLinear) },
  );
  let post = r.post;
  let changed = false;
  let pre = r.pre;
  let preLinear = r.preLinear;
  if ((wantPre || wantPreLinear) && (!pre || (cfg.gatedMlp && !preLinear))) {
    throw new Error(`internal: backend ${backend.name} did not return the requested MLP pre-activations`);
  }
  if (wantPre && pre) {
    const h = await hooks.point(p + 'hook_pre', pre, at);
    changed ||= h !== pre;
    pre = h;
  }
  if (wantPreLinear && preLinear) {
    const h = await hooks.point(p + 'hook_pre_linear', preLinear, at);
    changed ||= h !== preLinear;
    preLinear = h;
  }
  if (changed && pre) {
    // A hook rewrote a pre-activation: recompute the neurons from it.
    const f = activation(cfg.act);
    const out = new Float32Array(pre.data.length);
    if (cfg.gatedMlp && preLinear) {
      for (let i = 0; i < out.length; i++) out[i] = f(pre.data[i]) * preLinear.data[i];
    } else {
      for (let i = 0; i < out.length; i++) out[i] = f(pre.data[i]);
    }
    post = tensor(pre.shape, out);
  }
  post = await hooks.point(p + 'hook_post', post, at);
  return backend.linear(post, ctx.weight(w + 'W_out'), ctx.optionalWeight(w + 'b_out'));
}
