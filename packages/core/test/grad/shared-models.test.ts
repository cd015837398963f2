/** The forward of runWithGrad equals run() on the real shared models (a GPT-2-architecture model and a llama2.c checkpoint). */
import { describe, expect, it } from 'vitest';
import { gradMetrics, loadModel } from '../../src/index.js';
import { sharedFixture } from '../../src/fixtures/shared.js';
import { maxAbs, maxAbsDiff } from './helpers.js';

const gpt = sharedFixture('models/gpt-nano-sort/gpt-nano-sort-model.json');
const llama = sharedFixture('models/stories260K/stories260K.bin');

async function compare(path: string, tokens: number[]): Promise<void> {
  const m = await loadModel(path);
  const ref = await m.run(tokens, { cache: true });
  const g = await m.runWithGrad(tokens, { cache: true, metric: gradMetrics.loss(), wrt: ['blocks.0.hook_resid_post', 'embed.W_E'] });
  expect(maxAbsDiff(g.logits.data, ref.logits!.data)).toBeLessThan(1e-4 * Math.max(1, maxAbs(ref.logits!.data)));
  for (const n of ref.cache.names()) {
    const a = ref.cache.get(n).data, b = g.cache.get(n).data;
    expect(maxAbsDiff(a, b) / (n.endsWith('attn_scores') ? 1 : Math.max(1, maxAbs(a))), n).toBeLessThan(2e-4);
  }
  expect(Number.isFinite(g.value) && g.value > 0).toBe(true);
  expect(maxAbs(g.grads.get('embed.W_E')!.data)).toBeGreaterThan(0);
  await m.dispose();
}

describe.skipIf(!gpt.path)(`runWithGrad on shared/models/gpt-nano-sort ${gpt.reason}`, () => {
  it('forward equals run() (logits and every cached activation)', () => compare(gpt.path!, [0, 2, 1, 1, 0, 2, 0, 1, 1, 2, 2]));
});

describe.skipIf(!llama.path)(`runWithGrad on shared/models/stories260K (llama2.c, interleaved rotary) ${llama.reason}`, () => {
  it('forward equals run() (logits and every cached activation)', () => compare(llama.path!, [1, 403, 407, 261, 378, 410, 346, 57, 283]));
});
