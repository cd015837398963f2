/**
 * The authors' scores on last-position logits, in float64 (pipeline/submodules/select_direction.py):
 * the refusal score log(p + 1e-8) - log(1 - p + 1e-8), p the total probability of the refusal tokens, and
 * KL(base || intervened) = sum p_a (log(p_a + 1e-6) - log(p_b + 1e-6)).
 */

export const REFUSAL_SCORE_EPS = 1e-8;
export const KL_EPS = 1e-6;

/** Softmax of one row of logits, in float64. */
export function softmax64(logits: ArrayLike<number>, offset: number, width: number): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < width; v++) max = Math.max(max, logits[offset + v]);
  const p = new Float64Array(width);
  let sum = 0;
  for (let v = 0; v < width; v++) {
    p[v] = Math.exp(logits[offset + v] - max);
    sum += p[v];
  }
  for (let v = 0; v < width; v++) p[v] /= sum;
  return p;
}

export function refusalScoreOfProbs(p: Float64Array, refusalTokens: readonly number[]): number {
  let r = 0;
  for (const t of refusalTokens) r += p[t];
  return Math.log(r + REFUSAL_SCORE_EPS) - Math.log(1 - r + REFUSAL_SCORE_EPS);
}

export function klOfProbs(a: Float64Array, b: Float64Array): number {
  let kl = 0;
  for (let v = 0; v < a.length; v++) kl += a[v] * (Math.log(a[v] + KL_EPS) - Math.log(b[v] + KL_EPS));
  return kl;
}

/** Refusal scores of rows of last-position logits ([rows, V] row-major). */
export function refusalScores(logits: ArrayLike<number>, rows: number, vocab: number, refusalTokens: readonly number[]): number[] {
  return Array.from({ length: rows }, (_, i) => refusalScoreOfProbs(softmax64(logits, i * vocab, vocab), refusalTokens));
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}
