/**
 * Choosing the next token from logits: greedy at temperature 0, else seeded sampling (optionally top-k).
 */
import type { Rng } from '../random/rng.js';

export function sampleToken(logits: Float32Array, temperature: number, topK: number | undefined, rng: Rng): number {
  if (!(temperature >= 0)) throw new RangeError(`temperature must be >= 0, got ${temperature}`);
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  let candidates = Array.from({ length: logits.length }, (_, i) => i);
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`topK must be a positive integer, got ${topK}`);
    candidates.sort((a, b) => logits[b] - logits[a] || a - b);
    candidates = candidates.slice(0, topK);
  }
  const m = logits[best];
  const weights = candidates.map((i) => Math.exp((logits[i] - m) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let j = 0; j < candidates.length; j++) {
    u -= weights[j];
    if (u <= 0) return candidates[j];
  }
  return candidates[candidates.length - 1];
}
