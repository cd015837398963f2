/**
 * Float64 central finite differences of the whole model, for every architecture: the gradient with respect
 * to every weight and to hook points equals (f(x + εu) − f(x − εu)) / 2ε along a random direction u.
 * Weights move by ±2^-16 on ±1 directions (exact in float32, see helpers); hook points move through an
 * edit hook of the float64 run itself.
 */
import { describe, expect, it } from 'vitest';
import { gradMetrics, type HookedTransformer, type RunWithGradOptions, type TokenInput } from '../../src/index.js';
import { ARCHS, direction, dot, FD_EPS, model, randomTokens, signs } from './helpers.js';

type Base = Omit<RunWithGradOptions, 'wrt'>;

async function valueAt(m: HookedTransformer, tokens: TokenInput, base: Base, extraHooks: RunWithGradOptions['hooks'] = []): Promise<number> {
  return (await m.runWithGrad(tokens, { ...base, hooks: [...(base.hooks ?? []), ...(extraHooks ?? [])], wrt: [], precision: 'float64' })).value;
}

/** FD of the value along ±1 signs on weight `name` (moved in place and restored). */
async function weightFd(m: HookedTransformer, tokens: TokenInput, base: Base, name: string, u: Float64Array): Promise<number> {
  const w = m.getWeight(name).data;
  const orig = w.slice();
  const at = async (s: number) => {
    for (let i = 0; i < w.length; i++) w[i] = orig[i] + s * FD_EPS * u[i];
    m.weightsUpdated([name]);
    return valueAt(m, tokens, base);
  };
  const plus = await at(1), minus = await at(-1);
  w.set(orig);
  m.weightsUpdated([name]);
  return (plus - minus) / (2 * FD_EPS);
}

/** FD of the value along u at a hook point, moved by an edit hook in the float64 run. */
async function pointFd(m: HookedTransformer, tokens: TokenInput, base: Base, name: string, u: Float64Array, eps = 1e-5): Promise<number> {
  const at = (s: number) => valueAt(m, tokens, base, [{ name, edit: (a) => { for (let i = 0; i < a.data.length; i++) a.data[i] += s * eps * u[i]; } }]);
  return ((await at(1)) - (await at(-1))) / (2 * eps);
}

function close(analytic: number, fd: number, what: string, rel = 1e-5): void {
  expect(Math.abs(analytic - fd), `${what}: analytic ${analytic} vs finite difference ${fd}`).toBeLessThanOrEqual(rel * Math.max(1e-3, Math.abs(fd)));
}

async function checkAll(m: HookedTransformer, tokens: TokenInput, base: Base, points: string[], seed: number): Promise<void> {
  const names = m.weightNames();
  const r = await m.runWithGrad(tokens, { ...base, wrt: [...names, ...points], precision: 'float64' });
  let s = seed;
  for (const n of names) {
    const u = signs(m.getWeight(n).data.length, s++);
    close(dot(r.grads.get(n)!.data, u), await weightFd(m, tokens, base, n, u), `weight ${n}`);
  }
  for (const n of points) {
    const g = r.grads.get(n)!;
    const u = direction(g.data.length, s++);
    close(dot(g.data, u), await pointFd(m, tokens, base, n, u), `hook point ${n}`);
  }
}

const POINTS_SEQ = ['hook_embed', 'blocks.0.hook_resid_pre', 'blocks.0.ln1.hook_scale', 'blocks.0.ln1.hook_normalized', 'blocks.0.attn.hook_q', 'blocks.0.attn.hook_k',
  'blocks.0.attn.hook_v', 'blocks.1.attn.hook_attn_scores', 'blocks.1.attn.hook_pattern', 'blocks.1.attn.hook_z', 'blocks.1.attn.hook_result', 'blocks.1.hook_attn_out',
  'blocks.0.mlp.hook_pre', 'blocks.1.mlp.hook_post', 'blocks.0.hook_mlp_out', 'blocks.1.hook_resid_post', 'ln_final.hook_scale', 'ln_final.hook_normalized'];

describe('whole-model float64 finite differences', () => {
  for (const c of ARCHS) {
    it(`${c.label}: every weight and hook point`, async () => {
      const m = model(c, 2);
      const tokens = randomTokens(2, 5, m.config.dVocab, 4);
      const extra = [
        ...(m.config.positional === 'rotary' ? ['blocks.0.attn.hook_rot_q', 'blocks.0.attn.hook_rot_k'] : ['hook_pos_embed']),
        ...(m.config.parallelAttnMlp ? [] : ['blocks.0.hook_resid_mid']),
        ...(m.config.gatedMlp ? ['blocks.1.mlp.hook_pre_linear'] : []),
      ];
      await checkAll(m, tokens, { metric: gradMetrics.loss() }, [...POINTS_SEQ, ...extra], 10);
    });
  }

  it('a left-padded batch (llama GQA) with a last-position logit difference', async () => {
    const m = model(ARCHS[2], 3);
    const batch = { tokens: [[0, 0, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6]], attentionMask: [[0, 0, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1]], lengths: [4, 6] };
    const { logitDiffMetric } = await import('../../src/index.js');
    await checkAll(m, batch, { metric: gradMetrics.lastPosition(logitDiffMetric([3, 4], [7, 9])) }, ['blocks.0.hook_resid_pre', 'blocks.1.attn.hook_pattern', 'blocks.0.attn.hook_rot_k'], 50);
  });

  it('a schedule with a repeated block (gpt2): weight gradients add up over its slots', async () => {
    const m = model(ARCHS[0], 4);
    const tokens = randomTokens(1, 6, m.config.dVocab, 5);
    await checkAll(m, tokens, { metric: gradMetrics.loss(), schedule: [0, 1, 1, 0] }, ['blocks.2.hook_resid_pre', 'blocks.3.attn.hook_z'], 80);
  });
});
