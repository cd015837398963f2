/** Next-token cross-entropy (nats) summed over every position but the last of each window. */
import type { Float32Tensor } from '@marr/core';

export function crossEntropySum(logits: Float32Tensor, windows: readonly (readonly number[])[]): { sum: number; count: number } {
  const [B, T, V] = logits.shape;
  let sum = 0, count = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T - 1; t++) {
      const o = (b * T + t) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) if (logits.data[o + v] > max) max = logits.data[o + v];
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(logits.data[o + v] - max);
      sum += max + Math.log(z) - logits.data[o + windows[b][t + 1]];
      count++;
    }
  }
  return { sum, count };
}
