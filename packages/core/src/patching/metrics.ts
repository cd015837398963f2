/**
 * Patching metrics: a number per prompt pair read from the logits at the last position, averaged over
 * pairs by the patching functions.
 */

export interface PatchingMetric {
  /** A short id for reports: `logit-diff`, `probability`, `loss`. */
  readonly name: string;
  /** The metric for pair `pair`, given the logits at the last position ([dVocab]). */
  evaluate(lastLogits: Float32Array, pair: number): number;
}

function tokenAt(ids: readonly number[], pair: number, what: string): number {
  const t = ids[pair];
  if (t === undefined) throw new RangeError(`patching metric: no ${what} token for pair ${pair} (${ids.length} given)`);
  return t;
}

function logSumExp(x: Float32Array): number {
  let m = -Infinity;
  for (const v of x) if (v > m) m = v;
  let s = 0;
  for (const v of x) s += Math.exp(v - m);
  return m + Math.log(s);
}

/** logit(answer) - logit(wrong) at the last position: the usual IOI-style metric. */
export function logitDiffMetric(answers: readonly number[], wrongs: readonly number[]): PatchingMetric {
  if (answers.length !== wrongs.length) throw new RangeError(`logitDiffMetric: ${answers.length} answers but ${wrongs.length} wrong tokens`);
  return {
    name: 'logit-diff',
    evaluate: (logits, pair) => logits[tokenAt(answers, pair, 'answer')] - logits[tokenAt(wrongs, pair, 'wrong')],
  };
}

/** softmax(logits)[answer] at the last position. */
export function answerProbabilityMetric(answers: readonly number[]): PatchingMetric {
  return { name: 'probability', evaluate: (logits, pair) => Math.exp(logits[tokenAt(answers, pair, 'answer')] - logSumExp(logits)) };
}

/** Cross-entropy of the answer at the last position, -log p(answer), in nats. */
export function answerLossMetric(answers: readonly number[]): PatchingMetric {
  return { name: 'loss', evaluate: (logits, pair) => logSumExp(logits) - logits[tokenAt(answers, pair, 'answer')] };
}

export type PatchingMetricName = 'logit-diff' | 'probability' | 'loss';
export const PATCHING_METRICS: readonly PatchingMetricName[] = ['logit-diff', 'probability', 'loss'];

/** The named metric for answer (and wrong) tokens per pair. */
export function patchingMetric(name: PatchingMetricName, answers: readonly number[], wrongs?: readonly number[]): PatchingMetric {
  switch (name) {
    case 'logit-diff':
      if (!wrongs) throw new Error('the logit-diff metric needs a wrong token for every pair');
      return logitDiffMetric(answers, wrongs);
    case 'probability':
      return answerProbabilityMetric(answers);
    case 'loss':
      return answerLossMetric(answers);
    default:
      throw new Error(`unknown patching metric "${String(name)}"; use one of ${PATCHING_METRICS.join(', ')}`);
  }
}
