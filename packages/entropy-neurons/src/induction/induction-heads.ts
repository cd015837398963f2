/**
 * Induction-head scores (the authors' `induction_attn_detector`): on BOS + n random tokens repeated
 * (length 2n + 1), a head's pattern averaged over sequences, then the mean of its diagonal at offset
 * -(n - 1) (query q, key q - n + 1: the token after the earlier copy of the current one). Heads whose
 * score exceeds the threshold (0.7 in the paper) are induction heads.
 */
export interface HeadScore {
  layer: number;
  head: number;
  score: number;
  induction: boolean;
}

/**
 * Scores from one layer's patterns [batch, heads, T, T] (T = 2n + 1), averaged over the batch; `sum`
 * accumulates per head so batches can be added up, then divided by the number of sequences.
 */
export function addDiagonalSums(pattern: Float32Array, batch: number, heads: number, T: number, n: number, sum: Float64Array): void {
  const offset = n - 1;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      const base = (b * heads + h) * T * T;
      let s = 0;
      for (let q = offset; q < T; q++) s += pattern[base + q * T + (q - offset)];
      sum[h] += s / (T - offset);
    }
}

export function headLabel(layer: number, head: number): string {
  return `L${layer}H${head}`;
}
