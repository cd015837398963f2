/** Bad input to runWithGrad and grad hooks: one clear message each, naming the problem and the fix. */
import { describe, expect, it } from 'vitest';
import { gradMetrics, tensor, type PatchingMetric } from '../../src/index.js';
import { ARCHS, model } from './helpers.js';

describe('runWithGrad bad input', () => {
  const m = model(ARCHS[2], 1);
  const tokens = [1, 2, 3, 4];
  const metric = gradMetrics.loss();

  it('an unknown wrt name suggests the nearest and says where the valid names are', async () => {
    await expect(m.runWithGrad(tokens, { metric, wrt: ['blocks.0.hook_resid_pr'] })).rejects.toThrow(/unknown wrt name "blocks\.0\.hook_resid_pr"; did you mean "blocks\.0\.hook_resid_pre"\?.*hookPoints.*weightNames/);
    await expect(m.runWithGrad(tokens, { metric, wrt: ['blocks.0.attn.W_QQ'] })).rejects.toThrow(/did you mean "blocks\.0\.attn\.W_Q"/);
    await expect(m.runWithGrad(tokens, { metric, wrt: ['blocks.9.hook_resid_pre'] })).rejects.toThrow(/unknown wrt name/);
  });

  it('a patching metric without gradient', () => {
    const noGrad: PatchingMetric = { name: 'custom', evaluate: (l) => l[0] };
    expect(() => gradMetrics.lastPosition(noGrad)).toThrow(/"custom" has no gradient\(lastLogits, pair\); add one/);
  });

  it('a metric that is not a GradMetric', async () => {
    await expect(m.runWithGrad(tokens, { metric: {} as never, wrt: [] })).rejects.toThrow(/options\.metric must be a GradMetric/);
  });

  it('accumulate tensors of the wrong shape or name', async () => {
    await expect(m.runWithGrad(tokens, { metric, wrt: [], accumulate: new Map([['embed.W_E', tensor([2, 2])]]) })).rejects.toThrow(/accumulate\["embed\.W_E"\] must be a float32 tensor of the weight's shape \[/);
    await expect(m.runWithGrad(tokens, { metric, wrt: [], accumulate: new Map([['embed.W_X', tensor([2, 2])]]) })).rejects.toThrow(/unknown weight in accumulate "embed\.W_X"; did you mean "embed\.W_E"/);
  });

  it('float64 with accumulate', async () => {
    const acc = new Map([['embed.W_E', tensor(m.getWeight('embed.W_E').shape)]]);
    await expect(m.runWithGrad(tokens, { metric, wrt: [], precision: 'float64', accumulate: acc })).rejects.toThrow(/accumulate is for float32 training steps/);
    await expect(m.runWithGrad(tokens, { metric, wrt: [], precision: 'half' as never })).rejects.toThrow(/precision must be "float32" or "float64"/);
  });

  it('unknown options and the split q/k/v inputs', async () => {
    await expect(m.runWithGrad(tokens, { metric, wrt: [], stopAtLayer: 1 } as never)).rejects.toThrow(/unknown runWithGrad option "stopAtLayer"/);
    await expect(m.runWithGrad(tokens, { metric, wrt: ['blocks.0.hook_q_input'] })).rejects.toThrow(/split q\/k\/v inputs.*hook_resid_pre/);
    await expect(m.runWithGrad(tokens, { metric, wrt: [], optIn: ['splitQkvInput'] })).rejects.toThrow(/splitQkvInput.*not differentiated/);
  });

  it('grad hooks: only in runWithGrad, on known hook points, returning the right shape', async () => {
    const g = { name: 'blocks.0.hook_resid_pre', grad: () => {} };
    await expect(m.run(tokens, { hooks: [g] })).rejects.toThrow(/grad hooks run only in runWithGrad/);
    await expect(m.generate(tokens, { maxNewTokens: 1, hooks: [g] })).rejects.toThrow(/grad hooks run only in runWithGrad/);
    await expect(m.runWithGrad(tokens, { metric, wrt: [], hooks: [{ name: 'blocks.0.hook_resid_prex', grad: () => {} }] })).rejects.toThrow(/unknown hook point "blocks\.0\.hook_resid_prex"; did you mean "blocks\.0\.hook_resid_pre"/);
    await expect(m.runWithGrad(tokens, { metric, wrt: [], hooks: [{ name: 'blocks.0.hook_resid_pre', grad: () => tensor([1]) }] })).rejects.toThrow(/grad hook "blocks\.0\.hook_resid_pre" returned shape \[1\] but the gradient has shape \[1, 4, 16\]/);
  });

  it('metric gradients of the wrong shape, and loss targets of the wrong length', async () => {
    const bad = { name: 'bad', evaluate: () => ({ value: 1, dLogits: tensor([1]) }) };
    await expect(m.runWithGrad(tokens, { metric: bad, wrt: [] })).rejects.toThrow(/metric "bad" returned dLogits of shape \[1\] but the logits have shape \[1, 4, 23\]/);
    await expect(m.runWithGrad(tokens, { metric: gradMetrics.loss({ targets: new Int32Array(3) }), wrt: [] })).rejects.toThrow(/targets must be an Int32Array of batch·seq = 4 entries/);
    await expect(m.runWithGrad(tokens, { metric: gradMetrics.activation('blocks.0.hook_resid_post', tensor([3])), wrt: [] })).rejects.toThrow(/weights have shape \[3\] but blocks\.0\.hook_resid_post has shape \[1, 4, 16\]/);
  });
});
