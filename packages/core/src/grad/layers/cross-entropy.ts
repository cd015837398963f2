/** Softmax cross-entropy over the vocabulary, averaged over the positions that have a target (≥ 0). */
import { expShiftedInto } from '../../tensor/expf.js';
import type { FloatArray } from '../kernels.js';

/** Returns the mean loss, per-position losses, and dlogits (already divided by the number of targets). */
export function crossEntropyForwardBackward(
  alloc: (n: number) => FloatArray, logits: FloatArray, targets: Int32Array, rows: number, vocab: number,
): { loss: number; losses: Float64Array; dlogits: FloatArray } {
  const dlogits = alloc(rows * vocab);
  const losses = new Float64Array(rows);
  let count = 0;
  for (let r = 0; r < rows; r++) if (targets[r] >= 0) count++;
  if (count === 0) throw new RangeError('cross-entropy: no position has a target (every target is -1 or padding)');
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const t = targets[r];
    if (t < 0) continue;
    if (t >= vocab) throw new RangeError(`cross-entropy: target ${t} at row ${r} is outside the vocabulary [0, ${vocab})`);
    const o = r * vocab;
    let max = -Infinity;
    for (let j = 0; j < vocab; j++) if (logits[o + j] > max) max = logits[o + j];
    const sum = expShiftedInto(dlogits, logits, o, o + vocab, max);
    losses[r] = max + Math.log(sum) - logits[o + t];
    total += losses[r];
    const norm = 1 / (sum * count);
    for (let j = 0; j < vocab; j++) dlogits[o + j] *= norm;
    dlogits[o + t] -= 1 / count;
  }
  return { loss: total / count, losses, dlogits };
}
