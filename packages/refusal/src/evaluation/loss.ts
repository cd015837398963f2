/**
 * The loss change on ordinary text: mean next-token cross-entropy (nats, float64) over the scored tokens
 * of each sequence, under a model and hooks. A sequence scores its tokens from `from` on (the completion
 * after a prompt, or every token of a plain text window).
 */
import { batches, type Hook, type HookedTransformer } from '@marr/core';
import type { RunIo } from '../direction/mean-difference.js';

export interface LossSequence {
  tokens: number[];
  /** The first position whose token is predicted and scored (>= 1). */
  from: number;
}

export async function meanLoss(model: HookedTransformer, sequences: readonly LossSequence[], hooks: readonly Hook[], io: RunIo & { label: string }): Promise<{ loss: number; tokens: number }> {
  const V = model.config.dVocab;
  let total = 0;
  let count = 0;
  for await (const { items } of batches(sequences, { size: 1, signal: io.signal, progress: io.progress, label: io.label })) {
    const s = items[0];
    if (s.tokens.length - s.from < 1) continue;
    const logits = (await model.run([s.tokens], { hooks: [...hooks] })).logits!.data;
    for (let t = Math.max(1, s.from); t < s.tokens.length; t++) {
      const at = (t - 1) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[at + v]);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(logits[at + v] - max);
      total += Math.log(sum) + max - logits[at + s.tokens[t]];
      count++;
    }
  }
  return { loss: count === 0 ? NaN : total / count, tokens: count };
}
