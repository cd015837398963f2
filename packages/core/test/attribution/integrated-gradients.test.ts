import { describe, expect, it } from 'vitest';
import {
  answerLossMetric, gradientTimesInput, integratedGradients, logitDiffMetric, pathQuadrature, randomModel, tensor,
  type Architecture, type EmbeddingBaseline, type HookedTransformer, type PatchingMetric, type PathRule,
} from '../../src/index.js';

const small = (architecture: Architecture) => ({ architecture, nLayers: 2, dModel: 24, nHeads: 4, dMlp: 40, dVocab: 30, nCtx: 32 });
const prompts = [[1, 7, 3, 22, 9], [1, 4, 4, 18, 2, 11, 6]];
const answers = [5, 13], wrongs = [17, 2];

/** The metric by hand from model.run(): logit(answer) - logit(wrong) at the last position, with the embeddings replaced. */
async function metricAt(model: HookedTransformer, tokens: number[], prompt: number, embedding: Float32Array): Promise<number> {
  const { logits } = await model.run([tokens], { hooks: [{ name: 'hook_embed', edit: (a) => void a.data.set(embedding) }] });
  const [, T, V] = logits!.shape;
  return logits!.data[(T - 1) * V + answers[prompt]] - logits!.data[(T - 1) * V + wrongs[prompt]];
}

async function embeddings(model: HookedTransformer, tokens: number[]): Promise<Float32Array> {
  return (await model.runWithCache([tokens], { cache: ['hook_embed'] })).cache.get('hook_embed').data.slice();
}

/**
 * The same path integral with no gradients at all: at every quadrature point, the derivative of the metric
 * along (x_t - x'_t) at position t alone, by central finite differences of model.run(), weighted and summed.
 * The step is h·α: near the zero baseline the norms make the metric vary on the scale of α itself.
 */
async function finiteDifferenceAttributions(
  model: HookedTransformer, tokens: number[], prompt: number, x: Float32Array, base: Float32Array, steps: number, rule: PathRule, relativeStep = 1e-2,
): Promise<number[]> {
  const D = model.config.dModel;
  const q = pathQuadrature(steps, rule);
  const out = new Array<number>(tokens.length).fill(0);
  for (let k = 0; k < q.alphas.length; k++) {
    const point = x.map((v, i) => base[i] + q.alphas[k] * (v - base[i]));
    const h = relativeStep * q.alphas[k];
    for (let t = 0; t < tokens.length; t++) {
      const up = point.slice(), down = point.slice();
      for (let d = 0; d < D; d++) {
        const i = t * D + d;
        up[i] += h * (x[i] - base[i]);
        down[i] -= h * (x[i] - base[i]);
      }
      out[t] += (q.weights[k] * ((await metricAt(model, tokens, prompt, up)) - (await metricAt(model, tokens, prompt, down)))) / (2 * h);
    }
  }
  return out;
}

const maxAbs = (xs: number[]) => Math.max(...xs.map(Math.abs));

describe.each(['gpt2', 'gpt-neox', 'llama'] as Architecture[])('integrated gradients (%s)', (arch) => {
  const model = randomModel(small(arch), { seed: 5, std: 0.3 });
  const metric = logitDiffMetric(answers, wrongs);
  const D = model.config.dModel;

  it('each token\'s attribution equals the path integral by central finite differences of model.run()', async () => {
    const steps = 6;
    const ig = await integratedGradients(model, prompts, { metric, steps, batchSize: 5 });
    const mid = await integratedGradients(model, prompts[1], { metric: logitDiffMetric([answers[1]], [wrongs[1]]), steps, rule: 'midpoint' });
    for (let p = 0; p < prompts.length; p++) {
      const x = await embeddings(model, prompts[p]);
      const fd = await finiteDifferenceAttributions(model, prompts[p], p, x, new Float32Array(x.length), steps, 'gauss-legendre');
      const scale = maxAbs(fd);
      expect(scale).toBeGreaterThan(1e-3);
      ig.prompts[p].attributions.forEach((a, t) => expect(Math.abs(a - fd[t]), `prompt ${p} position ${t}`).toBeLessThan(0.02 * scale + 1e-4));
      if (p === 1) {
        const fdMid = await finiteDifferenceAttributions(model, prompts[p], p, x, new Float32Array(x.length), steps, 'midpoint');
        mid.prompts[0].attributions.forEach((a, t) => expect(Math.abs(a - fdMid[t]), `midpoint position ${t}`).toBeLessThan(0.02 * scale + 1e-4));
      }
    }
  });

  it('the attributions add up to metric(x) - metric(x\') as the steps grow (completeness), against two plain runs', async () => {
    const baseline: EmbeddingBaseline = { token: 0 };
    const errors: number[] = [];
    for (const steps of [2, 8, 64]) {
      const ig = await integratedGradients(model, prompts, { metric, steps, baseline, batchSize: 16 });
      for (let p = 0; p < prompts.length; p++) {
        const x = await embeddings(model, prompts[p]);
        const e0 = await embeddings(model, [0]);
        const base = new Float32Array(x.length);
        for (let t = 0; t < prompts[p].length; t++) base.set(e0, t * D);
        const gap = (await metricAt(model, prompts[p], p, x)) - (await metricAt(model, prompts[p], p, base));
        expect(ig.prompts[p].metric - ig.prompts[p].baselineMetric).toBeCloseTo(gap, 3);
        expect(ig.prompts[p].completenessError).toBeCloseTo(ig.prompts[p].total - gap, 3);
      }
      errors.push(maxAbs(ig.prompts.map((r) => r.completenessError)) / maxAbs(ig.prompts.map((r) => r.metric - r.baselineMetric)));
    }
    expect(errors[2]).toBeLessThan(1e-2);
    expect(errors[2]).toBeLessThan(errors[0]);
    expect(errors[1]).toBeLessThan(errors[0]);
  });

  it('gradient x input is the one-step case: the derivative along x - x\' at the input, by finite differences', async () => {
    const gi = await gradientTimesInput(model, prompts[0], { metric });
    const ig = await integratedGradients(model, prompts[0], { metric, steps: 3 });
    const x = await embeddings(model, prompts[0]);
    const h = 1e-2;
    for (let t = 0; t < prompts[0].length; t++) {
      const up = x.slice(), down = x.slice();
      for (let d = 0; d < D; d++) {
        up[t * D + d] *= 1 + h;
        down[t * D + d] *= 1 - h;
      }
      const fd = ((await metricAt(model, prompts[0], 0, up)) - (await metricAt(model, prompts[0], 0, down))) / (2 * h);
      expect(gi.prompts[0].attributions[t]).toBeCloseTo(fd, 2);
      expect(ig.prompts[0].gradientTimesInput[t]).toBeCloseTo(fd, 2);
    }
    expect(gi.passes).toBe(1);
  });

  it('a fixed position keeps its input embedding: attribution 0, and the baseline metric is the metric with only the others zeroed', async () => {
    const ig = await integratedGradients(model, prompts[1], { metric: logitDiffMetric([answers[1]], [wrongs[1]]), steps: 4, fixedPositions: [0] });
    expect(ig.prompts[0].attributions[0]).toBe(0);
    const x = await embeddings(model, prompts[1]);
    const base = new Float32Array(x.length);
    base.set(x.subarray(0, D));
    const m = async (e: Float32Array) => {
      const { logits } = await model.run([prompts[1]], { hooks: [{ name: 'hook_embed', edit: (a) => void a.data.set(e) }] });
      const [, T, V] = logits!.shape;
      return logits!.data[(T - 1) * V + answers[1]] - logits!.data[(T - 1) * V + wrongs[1]];
    };
    expect(ig.prompts[0].baselineMetric).toBeCloseTo(await m(base), 4);
  });
});

describe('integrated gradients in float64', () => {
  it('with the reference kernels the completeness error falls to rounding level at 256 steps from a token baseline (float32: about 1e-6)', async () => {
    const model = randomModel(small('llama'), { seed: 8, std: 0.3 });
    const metric = logitDiffMetric(answers, wrongs);
    const ig = await integratedGradients(model, prompts, { metric, steps: 256, baseline: { token: 3 }, precision: 'float64', batchSize: 64 });
    for (const p of ig.prompts) expect(Math.abs(p.completenessError)).toBeLessThan(1e-7 * Math.abs(p.metric - p.baselineMetric));
  });
});

describe('integrated gradients: batching and cost', () => {
  const model = randomModel(small('llama'), { seed: 2, std: 0.3 });
  const metric = answerLossMetric(answers);

  it('path points of prompts of one length share passes; the batch size changes nothing but the number of passes', async () => {
    const one = await integratedGradients(model, prompts, { metric, steps: 8, batchSize: 1 });
    const many = await integratedGradients(model, prompts, { metric, steps: 8, batchSize: 32 });
    // 8 midpoints plus both ends = 10 points per prompt; two lengths, so two passes with batchSize 32.
    expect(one.points).toBe(20);
    expect(one.passes).toBe(20);
    expect(many.passes).toBe(2);
    for (let p = 0; p < prompts.length; p++) {
      many.prompts[p].attributions.forEach((a, t) => expect(a).toBeCloseTo(one.prompts[p].attributions[t], 4));
    }
  });
});

describe('integrated gradients: bad input', () => {
  const model = randomModel(small('gpt2'), { seed: 1 });
  const metric = logitDiffMetric(answers, wrongs);
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    ['steps 0', () => integratedGradients(model, prompts, { metric, steps: 0 }), /steps must be a whole number of at least 1 \(got 0\)/],
    ['steps 2.5', () => integratedGradients(model, prompts, { metric, steps: 2.5 }), /steps must be a whole number/],
    ['unknown baseline token', () => integratedGradients(model, prompts, { metric, baseline: { token: 30 } }), /baseline token 30 is not a token id of this model \(0 to 29\)/],
    ['baseline shape', () => integratedGradients(model, prompts, { metric, baseline: { embedding: tensor([5]) } }), /must be \[dModel\] = \[24\]/],
    ['non-finite baseline', () => integratedGradients(model, prompts, { metric, baseline: { embedding: tensor([24], new Float32Array(24).fill(Number.NaN)) } }), /non-finite value \(NaN\)/],
    ['baseline rows', () => integratedGradients(model, prompts, { metric, baseline: { embedding: tensor([5, 24]) } }), /has 5 positions but prompt 1 has 7 tokens/],
    ['fixed position', () => integratedGradients(model, prompts, { metric, fixedPositions: [5] }), /fixed position 5 is not a position of every prompt/],
    ['unknown rule', () => integratedGradients(model, prompts, { metric, rule: 'simpson' as never }), /unknown rule "simpson"/],
    ['no gradient', () => integratedGradients(model, prompts, { metric: { name: 'mine', evaluate: () => 0 } as PatchingMetric }), /metric "mine" has no gradient/],
    ['empty prompt', () => integratedGradients(model, [[1, 2], []], { metric }), /prompt 1 has no tokens/],
    ['batch size', () => integratedGradients(model, prompts, { metric, batchSize: 0 }), /batchSize must be a whole number/],
  ];
  it.each(cases)('%s: one clear usage error', async (_, run, message) => {
    await expect(run()).rejects.toThrow(message);
    await expect(run()).rejects.toMatchObject({ name: 'MarrUsageError' });
  });
});

describe('path quadrature', () => {
  it('Gauss-Legendre with n points integrates α^k exactly on [0, 1] for k < 2n (closed form 1/(k+1)), and not k = 2n', () => {
    for (const n of [1, 2, 3, 8, 64]) {
      const q = pathQuadrature(n, 'gauss-legendre');
      expect(q.alphas).toHaveLength(n);
      for (let i = 1; i < n; i++) expect(q.alphas[i]).toBeGreaterThan(q.alphas[i - 1]);
      for (let k = 0; k < Math.min(2 * n, 40); k++) {
        const integral = q.alphas.reduce((s, a, i) => s + q.weights[i] * a ** k, 0);
        expect(Math.abs(integral - 1 / (k + 1)), `n=${n} k=${k}`).toBeLessThan(1e-12);
      }
      // Degree 2n is not exact: the error is (n!)^4 / ((2n+1) ((2n)!)^2).
      if (n <= 3) {
        const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
        const err = q.alphas.reduce((s, a, i) => s + q.weights[i] * a ** (2 * n), 0) - 1 / (2 * n + 1);
        expect(-err).toBeCloseTo(fact(n) ** 4 / ((2 * n + 1) * fact(2 * n) ** 2), 12);
      }
    }
    // The 2-point rule by hand: nodes (1 ± 1/√3)/2, weights 1/2.
    const two = pathQuadrature(2, 'gauss-legendre');
    expect(two.alphas[0]).toBeCloseTo((1 - 1 / Math.sqrt(3)) / 2, 14);
    expect(two.weights[1]).toBeCloseTo(0.5, 14);
  });

  it('midpoint and trapezoid integrate straight lines exactly and α² with their textbook errors', () => {
    const n = 10;
    const sum = (q: ReturnType<typeof pathQuadrature>, f: (a: number) => number) => q.alphas.reduce((s, a, i) => s + q.weights[i] * f(a), 0);
    const mid = pathQuadrature(n, 'midpoint'), trap = pathQuadrature(n, 'trapezoid'), right = pathQuadrature(n, 'right');
    expect(sum(mid, (a) => 3 * a + 1)).toBeCloseTo(2.5, 14);
    expect(sum(trap, (a) => 3 * a + 1)).toBeCloseTo(2.5, 14);
    // ∫α² = 1/3; midpoint error -1/(12 n²), trapezoid +1/(6 n²), right Riemann 1/(2n) + 1/(6 n²).
    expect(sum(mid, (a) => a * a) - 1 / 3).toBeCloseTo(-1 / (12 * n * n), 14);
    expect(sum(trap, (a) => a * a) - 1 / 3).toBeCloseTo(1 / (6 * n * n), 14);
    expect(sum(right, (a) => a * a) - 1 / 3).toBeCloseTo(1 / (2 * n) + 1 / (6 * n * n), 14);
  });
});

describe('the graded rule', () => {
  const integrate = (q: ReturnType<typeof pathQuadrature>, f: (a: number) => number) => q.alphas.reduce((s, a, i) => s + q.weights[i] * f(a), 0);

  it('is Gauss-Legendre on the panels [0, 1e-4], [1e-4, 1e-3], ..., [0.1, 1]: exact for polynomials of degree < 2 x points per panel', () => {
    const q = pathQuadrature(20, 'graded');
    expect(q.alphas).toHaveLength(20);
    for (let i = 1; i < 20; i++) expect(q.alphas[i]).toBeGreaterThan(q.alphas[i - 1]);
    expect(q.alphas.filter((a) => a < 1e-4)).toHaveLength(4);
    for (let k = 0; k < 8; k++) expect(integrate(q, (a) => a ** k)).toBeCloseTo(1 / (k + 1), 12);
    expect(pathQuadrature(3, 'graded').alphas).toHaveLength(3);
  });

  it('integrates a norm-like jump at α ~ 1e-3 that Gauss-Legendre and midpoint miss (closed form: ∫ d/dα α/√(α² + c) = 1/√(1 + c))', () => {
    const c = 1e-6;
    const f = (a: number) => c / (a * a + c) ** 1.5;
    const exact = 1 / Math.sqrt(1 + c);
    const err = (rule: PathRule) => Math.abs(integrate(pathQuadrature(64, rule), f) - exact);
    expect(err('graded')).toBeLessThan(1e-6);
    expect(err('gauss-legendre')).toBeGreaterThan(1e-3);
    expect(err('midpoint')).toBeGreaterThan(1e-2);
  });
});
