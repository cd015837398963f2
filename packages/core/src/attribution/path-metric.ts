/**
 * The scalar integrated gradients differentiates: a batch whose rows are points on the paths of one or
 * more prompts, each row scored by a patching metric at its last position. The value is the SUM over
 * rows (not the mean), so the gradient in each row is that row's own metric gradient; the per-row values
 * are kept for the report (the metric along the path).
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { GradMetric } from '../grad/metrics.js';
import type { PatchingMetric } from '../patching/metrics.js';
import { tensor } from '../tensor/tensor.js';

/** A patching metric that has its gradient with respect to the last position's logits. */
export type DifferentiableMetric = PatchingMetric & { gradient(lastLogits: Float32Array, pair: number): Float32Array };

export function differentiable(metric: PatchingMetric): DifferentiableMetric {
  if (typeof metric?.evaluate !== 'function') {
    throw new MarrUsageError('integrated gradients: metric must be a patching metric (logitDiffMetric, answerProbabilityMetric, answerLossMetric or your own with evaluate and gradient)');
  }
  if (typeof metric.gradient !== 'function') {
    throw new MarrUsageError(`integrated gradients: the metric "${metric.name}" has no gradient(lastLogits, pair); give it one (d metric / d last-position logits), or use logit-diff, probability or loss`);
  }
  return metric as DifferentiableMetric;
}

/** Sum over rows of `metric(lastLogits[r], prompts[r])`; `values[r]` is filled in when it is evaluated. */
export function pathRowsMetric(metric: DifferentiableMetric, prompts: readonly number[], values: number[]): GradMetric {
  return {
    name: `sum over path points of ${metric.name}`,
    evaluate({ logits }) {
      const [B, T, V] = logits.shape;
      if (B !== prompts.length) throw new Error(`integrated gradients: ${B} logit rows for ${prompts.length} path points`);
      const dLogits = new Float32Array(B * T * V);
      let value = 0;
      for (let r = 0; r < B; r++) {
        const at = (r * T + T - 1) * V;
        const last = logits.data.subarray(at, at + V);
        const v = metric.evaluate(last, prompts[r]);
        if (!Number.isFinite(v)) {
          throw new MarrUsageError(`integrated gradients: the ${metric.name} metric is ${v} on prompt ${prompts[r]} somewhere on the path; check the answer tokens and the baseline (a probability of 0 gives an infinite loss)`);
        }
        values[r] = v;
        value += v;
        dLogits.set(metric.gradient(last, prompts[r]), at);
      }
      return { value, dLogits: tensor([B, T, V], dLogits) };
    },
  };
}
