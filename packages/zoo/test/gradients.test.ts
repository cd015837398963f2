/**
 * The trainer's gradient (float32, core's runWithGrad accumulating into the flat gradient buffer) against
 * two references on one batch: core's float64 runWithGrad, and central finite differences of the loss
 * (the float64 forward pass only, so no backward code is involved). And: after an AdamW step changes the
 * weights in place, the trainee's model computes with the new weights.
 */
import { createHookedTransformer, defaultConfig, gradMetrics, intTensor, type ModelConfig } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { initParameters } from '../src/train/parameters.js';
import { createTrainee, lossAndGradients, trainStep } from '../src/train/step.js';
import { toTransformerLensWeights } from '../src/export/transformer-lens.js';

const configs: [string, ModelConfig][] = [
  ['llama (RMSNorm, rotary, SwiGLU, grouped-query)', defaultConfig('llama', { nLayers: 2, dModel: 8, nHeads: 4, nKvHeads: 2, dHead: 4, dMlp: 12, dVocab: 11, nCtx: 8 })],
  ['gpt2 (LayerNorm, learned positions, GELU, biases)', defaultConfig('gpt2', { nLayers: 2, dModel: 8, nHeads: 2, dHead: 4, dMlp: 16, dVocab: 11, nCtx: 8, tiedEmbeddings: false })],
];

const batch = 2, seq = 5;

function tinyBatch(cfg: ModelConfig): { tokens: Int32Array; targets: Int32Array } {
  const tokens = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  for (let i = 0; i < tokens.length; i++) {
    tokens[i] = (i * 7 + 3) % cfg.dVocab;
    targets[i] = i % 5 === 4 ? -1 : (i * 5 + 1) % cfg.dVocab;
  }
  return { tokens, targets };
}

/** A few indices spread over [0, n), always including the first and the last. */
function sample(n: number, count: number, seed: number): number[] {
  const out = new Set([0, n - 1]);
  for (let i = 0; out.size < Math.min(n, count); i++) out.add(Math.floor(((Math.sin(seed * 97 + i * 13.1) + 1) / 2) * n) % n);
  return [...out];
}

describe.each(configs)('the trainer\'s gradient: %s', (_name, cfg) => {
  it('equals core\'s float64 runWithGrad and central finite differences of the float64 loss', async () => {
    const p = initParameters(cfg, 3);
    // larger-than-init weights so every path carries gradient (norm scales away from 1)
    for (let i = 0; i < p.data.length; i++) p.data[i] += 0.3 * Math.sin(i * 1.7);
    const t = createTrainee(p);
    t.model.weightsUpdated();
    const { tokens, targets } = tinyBatch(cfg);
    const loss = await lossAndGradients(t, tokens, targets, batch, seq);

    const input = intTensor([batch, seq], tokens);
    const metric = gradMetrics.loss({ targets });
    const names = [...p.weights.keys()];
    const ref = await t.model.runWithGrad(input, { metric, wrt: names, precision: 'float64' });
    expect(loss).toBeCloseTo(ref.value, 5);
    // the loss itself, by hand from run()'s logits: mean over positions with a target of logsumexp − logit[target]
    const logits = (await t.model.run(input)).logits!.data;
    let sum = 0, count = 0;
    for (let r = 0; r < batch * seq; r++) {
      if (targets[r] < 0) continue;
      const row = Array.from(logits.subarray(r * cfg.dVocab, (r + 1) * cfg.dVocab));
      const max = Math.max(...row);
      sum += max + Math.log(row.reduce((a, x) => a + Math.exp(x - max), 0)) - row[targets[r]];
      count++;
    }
    expect(loss).toBeCloseTo(sum / count, 5);
    for (const s of p.specs) {
      const g64 = ref.grads.get(s.name)!.data;
      const g32 = p.view(s.name, t.grads);
      let scale = 1e-6, worst = 0;
      for (let i = 0; i < g64.length; i++) scale = Math.max(scale, Math.abs(g64[i]));
      for (let i = 0; i < g64.length; i++) worst = Math.max(worst, Math.abs(g32[i] - g64[i]));
      expect(worst / scale, s.name).toBeLessThan(1e-4);
    }

    // central differences: the loss of the float64 forward pass with one float32 weight moved up and down
    const lossAt = async () => {
      t.model.weightsUpdated();
      return (await t.model.runWithGrad(input, { metric, wrt: [], precision: 'float64' })).value;
    };
    for (const s of p.specs) {
      const view = p.view(s.name);
      for (const i of sample(view.length, 4, s.name.length)) {
        const w = view[i];
        const h = 1e-3 * Math.max(1, Math.abs(w));
        view[i] = w + h;
        const up = view[i];
        const fUp = await lossAt();
        view[i] = w - h;
        const down = view[i];
        const fDown = await lossAt();
        view[i] = w;
        const numeric = (fUp - fDown) / (up - down); // the steps the float32 weight really took
        const g = p.view(s.name, t.grads)[i];
        expect(Math.abs(g - numeric), `${s.name}[${i}]: trainer ${g}, finite difference ${numeric}`).toBeLessThan(2e-4 + 2e-3 * Math.abs(numeric));
      }
    }
    t.model.weightsUpdated();
    await t.model.dispose();
  });
});

describe('a training step', () => {
  it('updates the weights in place, and the trainee\'s model then computes with the new ones (as a fresh model does)', async () => {
    const cfg = configs[0][1];
    const t = createTrainee(initParameters(cfg, 5));
    const { tokens, targets } = tinyBatch(cfg);
    const before = Float32Array.from(t.parameters.data);
    const hyper = { beta1: 0.9, beta2: 0.95, weightDecay: 0.1, gradClip: 1 };
    await trainStep(t, tokens, targets, batch, seq, 1e-2, hyper);
    expect(Array.from(t.parameters.data)).not.toEqual(Array.from(before));
    const input = intTensor([batch, seq], tokens);
    const fresh = createHookedTransformer({ config: cfg, weights: toTransformerLensWeights(t.parameters) });
    const metric = gradMetrics.loss({ targets });
    const want = await fresh.runWithGrad(input, { metric, wrt: [] });
    const got = await t.model.runWithGrad(input, { metric, wrt: [] });
    expect(got.value).toBeCloseTo(want.value, 6);
    const a = (await t.model.run(input)).logits!.data;
    const b = (await fresh.run(input)).logits!.data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    expect(worst).toBeLessThan(1e-5);
    await fresh.dispose();
    await t.model.dispose();
  });

  it('rejects a batch whose size does not match, naming the sizes', async () => {
    const cfg = configs[0][1];
    const t = createTrainee(initParameters(cfg, 5));
    await expect(lossAndGradients(t, new Int32Array(3), new Int32Array(3), batch, seq)).rejects.toThrow(/batch·seq = 10 entries, got 3 and 3/);
    await t.model.dispose();
  });
});
