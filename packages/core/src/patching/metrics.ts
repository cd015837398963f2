/**
 * Patching metrics: a number per prompt pair read from the logits at the last position, averaged over
 * pairs by the patching functions.
 */

export interface PatchingMetric {
  /** A short id for reports: `logit-diff`, `probability`, `loss`. */
  readonly name: string;
  /** The metric for pair `pair`, given the logits at the last position ([dVocab]). */
  evaluate(lastLogits: Float32Array, pair: number): number;
  /** d evaluate / d lastLogits ([dVocab]) for pair `pair`: what gradient-based attribution needs. */
  gradient?(lastLogits: Float32Array, pair: number): Float32Array;
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

function softmaxOf(x: Float32Array): Float64Array {
  const lse = logSumExp(x);
  const p = new Float64Array(x.length);
  for (let j = 0; j < x.length; j++) p[j] = Math.exp(x[j] - lse);
  return p;
}

/** logit(answer) - logit(wrong) at the last position: the usual IOI-style metric. */
export function logitDiffMetric(answers: readonly number[], wrongs: readonly number[]): PatchingMetric {
  if (answers.length !== wrongs.length) throw new RangeError(`logitDiffMetric: ${answers.length} answers but ${wrongs.length} wrong tokens`);
  return {
    name: 'logit-diff',
    evaluate: (logits, pair) => logits[tokenAt(answers, pair, 'answer')] - logits[tokenAt(wrongs, pair, 'wrong')],
    gradient: (logits, pair) => {
      const g = new Float32Array(logits.length);
      g[tokenAt(answers, pair, 'answer')] += 1;
      g[tokenAt(wrongs, pair, 'wrong')] -= 1;
      return g;
    },
  };
}

/** softmax(logits)[answer] at the last position. */
export function answerProbabilityMetric(answers: readonly number[]): PatchingMetric {
  return {
    name: 'probability',
    evaluate: (logits, pair) => Math.exp(logits[tokenAt(answers, pair, 'answer')] - logSumExp(logits)),
    // d p_a / d logit_j = p_a (δ_aj − p_j)
    gradient: (logits, pair) => {
      const a = tokenAt(answers, pair, 'answer');
      const p = softmaxOf(logits);
      const g = new Float32Array(logits.length);
      for (let j = 0; j < g.length; j++) g[j] = -p[a] * p[j];
      g[a] += p[a];
      return g;
    },
  };
}

/** Cross-entropy of the answer at the last position, -log p(answer), in nats. */
export function answerLossMetric(answers: readonly number[]): PatchingMetric {
  return {
    name: 'loss',
    evaluate: (logits, pair) => logSumExp(logits) - logits[tokenAt(answers, pair, 'answer')],
    // d (logsumexp − logit_a) / d logit_j = p_j − δ_aj
    gradient: (logits, pair) => {
      const a = tokenAt(answers, pair, 'answer');
      const g = Float32Array.from(softmaxOf(logits));
      g[a] -= 1;
      return g;
    },
  };
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
