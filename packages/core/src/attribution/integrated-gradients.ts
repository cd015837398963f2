/**
 * Integrated gradients (Sundararajan, Taly & Yan 2017, "Axiomatic Attribution for Deep Networks") on token
 * embeddings. The path x' + α(x − x') from a baseline x' to the prompt's embeddings x is edited in at
 * `hook_embed`; the gradient of the metric there is averaged over the path's quadrature points
 * (Gauss–Legendre by default; midpoint, trapezoid or right Riemann sums on request), and a
 * token's attribution is Σ_d (x − x')_d · mean gradient_d. The attributions add up to
 * metric(x) − metric(x') as the steps grow (completeness); the gap is returned. Several path points run
 * as the rows of one forward and backward pass (`runWithGrad`).
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { Progress } from '../analysis/protocol.js';
import type { HookedTransformer } from '../model/types.js';
import type { PatchingMetric } from '../patching/metrics.js';
import type { TokenSequences } from '../patching/pairs.js';
import { batches } from '../toolkit/batches.js';
import { baselineEmbeddings, checkBaseline, describeBaseline, tokenEmbeddings, type EmbeddingBaseline } from './embedding-baseline.js';
import { DEFAULT_IG_STEPS, pathQuadrature, type PathRule } from './path-quadrature.js';
import { differentiable, pathRowsMetric } from './path-metric.js';

export interface IntegratedGradientsOptions {
  /** A per-prompt metric of the logits at each prompt's last position, with its gradient (prompt i is pair i). */
  metric: PatchingMetric;
  /** Where the path starts; default `'zero'`. */
  baseline?: EmbeddingBaseline;
  /** Positions whose baseline is the input itself, so they stay put and get attribution 0 (e.g. [0] for BOS). */
  fixedPositions?: readonly number[];
  /** Gradient points on the path (default DEFAULT_IG_STEPS = 64). */
  steps?: number;
  /** Quadrature rule (default `gauss-legendre`). */
  rule?: PathRule;
  /** Path points per forward and backward pass (batch rows); default 16. */
  batchSize?: number;
  /** Passed to runWithGrad: float64 runs the reference kernels (slow; for checks). */
  precision?: 'float32' | 'float64';
  signal?: AbortSignal;
  progress?: Progress;
}

/** One prompt's attributions. */
export interface TokenAttributions {
  tokens: number[];
  /** Per position: Σ_d (x − x')_d · the gradient averaged over the path. */
  attributions: number[];
  /** Per position: Σ_d (x − x')_d · the gradient at the input (α = 1): gradient × input, the one-step saliency. */
  gradientTimesInput: number[];
  /** metric(x), the metric on the prompt. */
  metric: number;
  /** metric(x'), the metric at the baseline. */
  baselineMetric: number;
  /** Σ attributions. */
  total: number;
  /** Σ attributions − (metric(x) − metric(x')): zero for the exact integral. */
  completenessError: number;
  /** The metric at every evaluated path point (α increasing, 0 and 1 included). */
  path: { alpha: number[]; metric: number[] };
}

export interface IntegratedGradientsResult {
  prompts: TokenAttributions[];
  steps: number;
  rule: PathRule;
  baseline: string;
  /** Forward + backward passes run (each with up to batchSize path points). */
  passes: number;
  /** Path points evaluated in all (quadrature points, plus α = 0 and 1 when the rule lacks them). */
  points: number;
}

function asPrompts(tokens: TokenSequences): (readonly number[])[] {
  const rows = tokens.length > 0 && Array.isArray(tokens[0]) ? [...(tokens as readonly (readonly number[])[])] : [tokens as readonly number[]];
  if (rows.length === 0) throw new MarrUsageError('integrated gradients: no prompts given; pass token ids or a list of them');
  rows.forEach((r, i) => {
    if (r.length === 0) throw new MarrUsageError(`integrated gradients: prompt ${i} has no tokens`);
  });
  return rows;
}

interface PathPoint {
  prompt: number;
  /** Index into the prompt's α list. */
  point: number;
}

export async function integratedGradients(model: HookedTransformer, tokens: TokenSequences, options: IntegratedGradientsOptions): Promise<IntegratedGradientsResult> {
  const prompts = asPrompts(tokens);
  const metric = differentiable(options.metric);
  const baseline = options.baseline ?? 'zero';
  const quad = pathQuadrature(options.steps ?? DEFAULT_IG_STEPS, options.rule ?? 'gauss-legendre');
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MarrUsageError(`integrated gradients: batchSize must be a whole number of at least 1 (got ${batchSize})`);
  checkBaseline(model, baseline);
  const fixed = [...new Set(options.fixedPositions ?? [])];
  const shortest = Math.min(...prompts.map((p) => p.length));
  for (const p of fixed) {
    if (!Number.isInteger(p) || p < 0 || p >= shortest) {
      throw new MarrUsageError(`integrated gradients: fixed position ${p} is not a position of every prompt (the shortest has ${shortest} tokens, positions 0 to ${shortest - 1})`);
    }
  }
  const D = model.config.dModel;

  // The α list: the rule's points plus both ends (metric(x') and metric(x), gradient × input at α = 1).
  const alphas = [...new Set([0, ...quad.alphas, 1])].sort((a, b) => a - b);
  const weights = alphas.map((a) => {
    const k = quad.alphas.indexOf(a);
    return k < 0 ? 0 : quad.weights[k];
  });
  const inputs: Float32Array[] = [];
  const bases: Float32Array[] = [];
  for (let i = 0; i < prompts.length; i++) {
    const x = await tokenEmbeddings(model, prompts[i]);
    inputs.push(x);
    bases.push(await baselineEmbeddings(model, baseline, x, prompts[i].length, fixed, i));
  }

  // Path points grouped into batches of one prompt length (rows of a batch share a length; no padding).
  const byLength = new Map<number, PathPoint[]>();
  prompts.forEach((p, i) => {
    const group = byLength.get(p.length) ?? [];
    alphas.forEach((_, k) => group.push({ prompt: i, point: k }));
    byLength.set(p.length, group);
  });
  const chunks: PathPoint[][] = [];
  for (const points of byLength.values()) for (let s = 0; s < points.length; s += batchSize) chunks.push(points.slice(s, s + batchSize));

  const avgGrad = prompts.map((p) => new Float64Array(p.length * D));
  const endGrad = prompts.map((p) => new Float32Array(p.length * D));
  const pathMetric = prompts.map(() => new Array<number>(alphas.length).fill(Number.NaN));
  let passes = 0;
  for await (const { items } of batches(chunks, { size: 1, signal: options.signal, progress: options.progress, label: `integrated gradients, ${quad.steps} ${quad.rule} steps` })) {
    const chunk = items[0];
    const T = prompts[chunk[0].prompt].length;
    const values: number[] = new Array<number>(chunk.length);
    const result = await model.runWithGrad(
      chunk.map((c) => prompts[c.prompt]),
      {
        metric: pathRowsMetric(metric, chunk.map((c) => c.prompt), values),
        wrt: ['hook_embed'],
        hooks: [
          {
            name: 'hook_embed',
            edit: (act) => {
              chunk.forEach((c, r) => {
                const x = inputs[c.prompt], b = bases[c.prompt], a = alphas[c.point];
                const row = act.data.subarray(r * T * D, (r + 1) * T * D);
                for (let i = 0; i < row.length; i++) row[i] = b[i] + a * (x[i] - b[i]);
              });
            },
          },
        ],
        precision: options.precision,
      },
    );
    passes++;
    const grad = result.grads.get('hook_embed');
    if (!grad) throw new Error('integrated gradients: runWithGrad returned no gradient for hook_embed');
    chunk.forEach((c, r) => {
      const g = grad.data.subarray(r * T * D, (r + 1) * T * D);
      const w = weights[c.point];
      if (w !== 0) {
        const acc = avgGrad[c.prompt];
        for (let i = 0; i < g.length; i++) acc[i] += w * g[i];
      }
      if (alphas[c.point] === 1) endGrad[c.prompt].set(g);
      pathMetric[c.prompt][c.point] = values[r];
    });
  }

  const out: TokenAttributions[] = prompts.map((p, i) => {
    const T = p.length;
    const x = inputs[i], b = bases[i];
    const attributions = new Array<number>(T).fill(0);
    const gradientTimesInput = new Array<number>(T).fill(0);
    for (let t = 0; t < T; t++) {
      let ig = 0, gi = 0;
      for (let d = 0; d < D; d++) {
        const j = t * D + d;
        const delta = x[j] - b[j];
        ig += delta * avgGrad[i][j];
        gi += delta * endGrad[i][j];
      }
      attributions[t] = ig;
      gradientTimesInput[t] = gi;
    }
    const total = attributions.reduce((a, v) => a + v, 0);
    const m1 = pathMetric[i][alphas.length - 1];
    const m0 = pathMetric[i][0];
    return {
      tokens: [...p], attributions, gradientTimesInput, metric: m1, baselineMetric: m0, total,
      completenessError: total - (m1 - m0),
      path: { alpha: [...alphas], metric: pathMetric[i] },
    };
  });
  return { prompts: out, steps: quad.steps, rule: quad.rule, baseline: describeBaseline(baseline), passes, points: prompts.length * alphas.length };
}

/**
 * Gradient × input (Shrikumar et al. 2016; Simonyan et al. 2014 for the gradient alone): the one-step
 * special case of integrated gradients, the gradient at the input times (input − baseline).
 */
export async function gradientTimesInput(
  model: HookedTransformer,
  tokens: TokenSequences,
  options: Omit<IntegratedGradientsOptions, 'steps' | 'rule'>,
): Promise<IntegratedGradientsResult> {
  return integratedGradients(model, tokens, { ...options, steps: 1, rule: 'right' });
}
