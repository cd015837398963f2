/**
 * Scalar metrics for `runWithGrad`: the number differentiated, with its gradient with respect to the
 * logits (and, for metrics that read activations, to those hook points).
 *
 * In a `precision: 'float64'` run the logits and cached activations a metric sees hold Float64Array data
 * (typed as float32 tensors), and the gradients it returns may be Float64Array-backed too, so finite
 * differences of the value are accurate.
 */
import type { ActivationCache } from '../model/activation-cache.js';
import type { IndexedTensor } from '../model/types.js';
import type { PatchingMetric } from '../patching/metrics.js';
import type { Float32Tensor, Int32Tensor } from '../tensor/tensor.js';
import { MarrUsageError } from '../analysis/errors.js';
import { crossEntropyForwardBackward } from './layers/cross-entropy.js';
import type { FloatArray } from './kernels.js';

export interface GradMetricInput {
  /** [batch, seq, dVocab]. */
  logits: IndexedTensor;
  cache: ActivationCache;
  /** [batch, seq] token ids. */
  tokens: Int32Tensor;
  /** [batch, seq]: 1 on real tokens, 0 on left padding. */
  attentionMask: Int32Tensor;
}

export interface GradMetricOutput {
  value: number;
  /** d value / d logits, [batch, seq, dVocab] (absent: the metric does not read the logits). */
  dLogits?: Float32Tensor;
  /** d value / d activation for hook points the metric reads (names in `reads`), shaped like them. */
  dActivations?: ReadonlyMap<string, Float32Tensor>;
}

export interface GradMetric {
  readonly name: string;
  /** Hook points the metric reads besides the logits (cached for it). */
  readonly reads?: readonly string[];
  evaluate(out: GradMetricInput): GradMetricOutput;
}

const allocFloat64 = (n: number): FloatArray => new Float64Array(n);
const allocFloat32 = (n: number): FloatArray => new Float32Array(n);

/**
 * An allocator for arrays like `data`: one of two module-level functions, never a fresh closure (optimized
 * code that inlined a closure is thrown away when the closure is collected, so a fresh one per call made
 * V8 recompile the cross-entropy every training step).
 */
function allocLike(data: FloatArray): (n: number) => FloatArray {
  return data instanceof Float64Array ? allocFloat64 : allocFloat32;
}

function floatTensor(shape: readonly number[], data: FloatArray): Float32Tensor {
  return { dtype: 'float32', shape: [...shape], data: data as Float32Array };
}

/** Index of each row's last real token. */
function lastRealPositions(mask: Int32Tensor): number[] {
  const [B, T] = mask.shape;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    let last = -1;
    for (let t = 0; t < T; t++) if (mask.data[b * T + t]) last = t;
    if (last < 0) throw new MarrUsageError(`gradMetrics: row ${b} has no real token (its attention mask is all zeros); drop the row`);
    out.push(last);
  }
  return out;
}

function loss(options: { targets?: Int32Array } = {}): GradMetric {
  return {
    name: 'loss',
    evaluate({ logits, tokens, attentionMask }) {
      const [B, T, V] = logits.shape;
      let targets = options.targets;
      if (targets) {
        if (!(targets instanceof Int32Array) || targets.length !== B * T) {
          throw new MarrUsageError(`gradMetrics.loss: targets must be an Int32Array of batch·seq = ${B * T} entries (−1 = no target), got ${targets?.length ?? 'nothing'}`);
        }
      } else {
        targets = new Int32Array(B * T).fill(-1);
        for (let b = 0; b < B; b++)
          for (let t = 0; t + 1 < T; t++) {
            const i = b * T + t;
            if (attentionMask.data[i] && attentionMask.data[i + 1]) targets[i] = tokens.data[i + 1];
          }
      }
      const r = crossEntropyForwardBackward(allocLike(logits.data), logits.data, targets, B * T, V);
      return { value: r.loss, dLogits: floatTensor(logits.shape, r.dlogits) };
    },
  };
}

function lastPosition(metric: PatchingMetric): GradMetric {
  if (!metric || typeof metric.evaluate !== 'function') throw new MarrUsageError('gradMetrics.lastPosition: pass a PatchingMetric (e.g. logitDiffMetric(answers, wrongs))');
  const gradient = metric.gradient?.bind(metric);
  if (!gradient) {
    throw new MarrUsageError(`gradMetrics.lastPosition: the patching metric "${metric.name}" has no gradient(lastLogits, pair); add one (d evaluate / d lastLogits) or use logitDiffMetric, answerProbabilityMetric or answerLossMetric`);
  }
  return {
    name: `last-position ${metric.name}`,
    evaluate({ logits, attentionMask }) {
      const [B, T, V] = logits.shape;
      const last = lastRealPositions(attentionMask);
      const dLogits = allocLike(logits.data)(B * T * V);
      let total = 0;
      for (let b = 0; b < B; b++) {
        const o = (b * T + last[b]) * V;
        const row = logits.data.subarray(o, o + V);
        total += metric.evaluate(row, b);
        const g = gradient(row, b);
        if (!g || g.length !== V) throw new MarrUsageError(`gradMetrics.lastPosition: ${metric.name}.gradient returned ${g?.length ?? 'nothing'} values for pair ${b}; it must return dVocab = ${V}`);
        for (let j = 0; j < V; j++) dLogits[o + j] = g[j] / B;
      }
      return { value: total / B, dLogits: floatTensor(logits.shape, dLogits) };
    },
  };
}

function activationMetric(hook: string, weights: Float32Tensor): GradMetric {
  if (typeof hook !== 'string') throw new MarrUsageError('gradMetrics.activation: pass a hook point name, e.g. "blocks.0.hook_resid_post"');
  if (!weights || !(weights.data instanceof Float32Array || (weights.data as unknown) instanceof Float64Array)) throw new MarrUsageError('gradMetrics.activation: weights must be a float tensor shaped like the activation');
  return {
    name: `activation ${hook}`,
    reads: [hook],
    evaluate({ cache }) {
      const a = cache.get(hook);
      if (a.data.length !== weights.data.length) {
        throw new MarrUsageError(`gradMetrics.activation: weights have shape [${weights.shape.join(', ')}] but ${hook} has shape [${a.shape.join(', ')}]; pass weights of the activation's shape`);
      }
      let v = 0;
      for (let i = 0; i < a.data.length; i++) v += weights.data[i] * a.data[i];
      const g = allocLike(a.data)(a.data.length);
      g.set(weights.data);
      return { value: v, dActivations: new Map([[hook, floatTensor(a.shape, g)]]) };
    },
  };
}

export const gradMetrics = {
  /** Mean next-token cross-entropy (targets default: the tokens shifted by one, padding excluded; −1 = no target). */
  loss,
  /** A per-row PatchingMetric at each row's last real position, averaged over rows (row = pair index). */
  lastPosition,
  /** Σ weights ⊙ activation at one hook point (any linear read-out of an activation). */
  activation: activationMetric,
};
