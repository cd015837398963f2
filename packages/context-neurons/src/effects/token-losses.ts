/**
 * Next-token losses: for each sequence and position s < S-1, -log softmax(logits[s])[token s+1] in nats
 * (TransformerLens's loss_per_token), accumulated in float64.
 */
import type { Float32Tensor } from '@marr/core';

export function tokenLosses(logits: Float32Tensor, tokens: readonly (readonly number[])[]): Float64Array[] {
  const [B, S, V] = logits.shape;
  const out: Float64Array[] = [];
  for (let b = 0; b < B; b++) {
    const row = new Float64Array(S - 1);
    for (let s = 0; s < S - 1; s++) {
      const at = (b * S + s) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (logits.data[at + v] > max) max = logits.data[at + v];
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(logits.data[at + v] - max);
      row[s] = max + Math.log(sum) - logits.data[at + tokens[b][s + 1]];
    }
    out.push(row);
  }
  return out;
}

/** The mean of every value of every row. */
export function meanOfRows(rows: readonly Float64Array[]): number {
  let sum = 0, n = 0;
  for (const r of rows) for (const v of r) {
    sum += v;
    n++;
  }
  return n === 0 ? NaN : sum / n;
}
