/**
 * The circle probe (intervention/circle_probe_interventions.py): at one layer, the activations at the
 * start's name token over all problems, PCA to k components (k = 5), then least squares from the PCA
 * scores onto [cos 2πa/p, sin 2πa/p]; R² per target dimension, 1 − mean squared error / variance.
 * The probe W (k x 2) is kept as its QR factors: the circle point e maps back to PCA coordinates
 * e R⁻¹ Qᵀ, which is what the intervention writes.
 *
 * "Layer l" is the residual stream entering block l (blocks.l.hook_resid_pre) for l < L and the last
 * block's output (blocks.{L−1}.hook_resid_post) for l = L, as the authors' layer l is the output of
 * block l − 1 (layer 0 the embedding).
 */
import { collectActivations, pca, type HookedTransformer, type Pca, type Progress } from '@marr/core';
import type { ModularTask } from './modular-tasks.js';

export function residHook(model: HookedTransformer, layer: number): string {
  const L = model.config.nLayers;
  if (!Number.isInteger(layer) || layer < 0 || layer > L) throw new RangeError(`layer ${layer} does not exist; this model has layers 0..${L} (${L} = the last block's output)`);
  return layer < L ? `blocks.${layer}.hook_resid_pre` : `blocks.${L - 1}.hook_resid_post`;
}

/** Activations [problems, dModel] at the name token, one matrix per layer asked for. */
export async function nameActivations(model: HookedTransformer, task: ModularTask, layers: readonly number[], io: { signal?: AbortSignal; progress?: Progress } = {}): Promise<Map<number, Float64Array>> {
  const hooks = layers.map((l) => residHook(model, l));
  const mats = await collectActivations(model, task.problems.map((p) => p.tokens), hooks, {
    positions: task.problems.map((p, i) => [i, p.namePosition] as const),
    signal: io.signal, progress: io.progress, label: `${task.name}: activations at the name token`,
  });
  return new Map(layers.map((l, i) => [l, mats[i].data]));
}

export interface CircleProbe {
  layer: number;
  hook: string;
  /** PCA components used. */
  components: number;
  pca: Pca;
  /** Mean activation over the problems (the PCA mean). */
  mean: Float64Array;
  /** k x 2 least-squares weights (row-major). */
  weights: Float64Array;
  /** QR of the weights: Q k x 2 (orthonormal columns), R 2 x 2 upper triangular. */
  q: Float64Array;
  r: [number, number, number, number];
  /** Predicted circle points [problems, 2]. */
  predictions: Float64Array;
  r2Cos: number;
  r2Sin: number;
  /** Mean of the two. */
  r2: number;
  /** The probe has rank < 2 (e.g. the activations do not differ between the names): Q is zero, R the identity. */
  degenerate: boolean;
}

/** The circle targets [cos 2πv/p, sin 2πv/p] for values v. */
export function circleTargets(values: readonly number[], period: number): Float64Array {
  const y = new Float64Array(2 * values.length);
  values.forEach((v, i) => {
    y[2 * i] = Math.cos((2 * Math.PI * v) / period);
    y[2 * i + 1] = Math.sin((2 * Math.PI * v) / period);
  });
  return y;
}

function rSquared(y: Float64Array, yhat: Float64Array, dim: number, n: number): number {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[2 * i + dim] / n;
  let sse = 0, sst = 0;
  for (let i = 0; i < n; i++) {
    sse += (y[2 * i + dim] - yhat[2 * i + dim]) ** 2;
    sst += (y[2 * i + dim] - mean) ** 2;
  }
  return sst > 0 ? 1 - sse / sst : 0;
}

/**
 * Least squares from the scores (n x k) onto y (n x 2). PCA scores have orthogonal columns, so the
 * minimum-norm solution is column by column: w_c = s_c·y / |s_c|² (0 for a component without variance).
 */
export function fitOnScores(scores: Float64Array, n: number, k: number, y: Float64Array): { weights: Float64Array; predictions: Float64Array } {
  const weights = new Float64Array(2 * k);
  for (let c = 0; c < k; c++) {
    let ss = 0, s0 = 0, s1 = 0;
    for (let i = 0; i < n; i++) {
      const s = scores[i * k + c];
      ss += s * s;
      s0 += s * y[2 * i];
      s1 += s * y[2 * i + 1];
    }
    if (ss > 1e-12 * n) {
      weights[2 * c] = s0 / ss;
      weights[2 * c + 1] = s1 / ss;
    }
  }
  const predictions = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      predictions[2 * i] += scores[i * k + c] * weights[2 * c];
      predictions[2 * i + 1] += scores[i * k + c] * weights[2 * c + 1];
    }
  }
  return { weights, predictions };
}

/** Thin QR (Gram–Schmidt) of a k x 2 matrix: Q k x 2, R = [r00, r01, 0, r11]. */
export function qr2(w: Float64Array, k: number): { q: Float64Array; r: [number, number, number, number] } {
  const q = new Float64Array(2 * k);
  let n0 = 0;
  for (let c = 0; c < k; c++) n0 += w[2 * c] ** 2;
  n0 = Math.sqrt(n0);
  if (!(n0 > 0)) throw new Error('the circle probe is zero: the activations carry no linear trace of the circle');
  for (let c = 0; c < k; c++) q[2 * c] = w[2 * c] / n0;
  let r01 = 0;
  for (let c = 0; c < k; c++) r01 += q[2 * c] * w[2 * c + 1];
  let n1 = 0;
  for (let c = 0; c < k; c++) n1 += (w[2 * c + 1] - r01 * q[2 * c]) ** 2;
  n1 = Math.sqrt(n1);
  if (!(n1 > 1e-12 * n0)) throw new Error('the circle probe has rank 1: cos and sin are read from the same direction');
  for (let c = 0; c < k; c++) q[2 * c + 1] = (w[2 * c + 1] - r01 * q[2 * c]) / n1;
  return { q, r: [n0, r01, 0, n1] };
}

/** Fits the probe at one layer on activations [n, d] with circle values `values`. */
export function fitCircleProbe(acts: Float64Array, n: number, d: number, values: readonly number[], period: number, components: number, layer: number, hook: string): CircleProbe {
  const k = Math.min(components, n - 1, d);
  const fit = pca({ rows: n, cols: d, data: acts }, { components: k });
  const y = circleTargets(values, period);
  const { weights, predictions } = fitOnScores(fit.scores.data, n, k, y);
  let qr: { q: Float64Array; r: [number, number, number, number] };
  let degenerate = false;
  try {
    qr = qr2(weights, k);
  } catch {
    qr = { q: new Float64Array(2 * k), r: [1, 0, 0, 1] };
    degenerate = true;
  }
  const r2Cos = rSquared(y, predictions, 0, n), r2Sin = rSquared(y, predictions, 1, n);
  return { layer, hook, components: k, pca: fit, mean: fit.mean, weights, q: qr.q, r: qr.r, predictions, r2Cos, r2Sin, r2: (r2Cos + r2Sin) / 2, degenerate };
}

/** R² of the same probe with the names' order shuffled (a permutation of 0..p−1 applied to every value): a control for "any p distinct points fit". */
export function shuffledOrderR2(scores: Float64Array, n: number, k: number, values: readonly number[], period: number, permutations: readonly (readonly number[])[]): number[] {
  return permutations.map((perm) => {
    const y = circleTargets(values.map((v) => perm[v]), period);
    const { predictions } = fitOnScores(scores, n, k, y);
    return (rSquared(y, predictions, 0, n) + rSquared(y, predictions, 1, n)) / 2;
  });
}
