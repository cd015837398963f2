/**
 * Linear CKA between representations with the unbiased HSIC estimator (Song et al. 2012; as used for
 * CKA by Nguyen et al. 2021): for Gram matrices K = X X^T and L = Y Y^T with zeroed diagonals,
 *   HSIC_u = [tr(K L) + (1^T K 1)(1^T L 1) / ((n-1)(n-2)) - 2/(n-2) 1^T K L 1] / (n (n-3)),
 *   CKA = HSIC_u(K, L) / sqrt(HSIC_u(K, K) HSIC_u(L, L)).
 * Unlike the biased estimator, it is centred at 0 for independent representations at any sample size.
 */
import { matmul, tensor, type Float32Tensor, type HookedTransformer, type Rng } from '@marr/core';
import { predictionRows } from '../interventions/prediction-rows.js';

/** X X^T in float64 with the diagonal set to zero, for X [n, d]. */
export async function zeroDiagonalGram(x: Float32Tensor): Promise<Float64Array> {
  if (x.shape.length !== 2) throw new RangeError(`zeroDiagonalGram: expected [samples, features], got [${x.shape}]`);
  const n = x.shape[0];
  const g = await matmul(x, x, { transposeB: true });
  const out = Float64Array.from(g.data);
  for (let i = 0; i < n; i++) out[i * n + i] = 0;
  return out;
}

/** Unbiased HSIC of two zero-diagonal n x n Gram matrices (n >= 4). */
export function hsicUnbiased(k: Float64Array, l: Float64Array, n: number): number {
  if (n < 4) throw new RangeError(`hsicUnbiased: needs at least 4 samples, got ${n}`);
  if (k.length !== n * n || l.length !== n * n) throw new RangeError('hsicUnbiased: Gram matrices must be n x n');
  let trace = 0, sumK = 0, sumL = 0, cross = 0;
  for (let i = 0; i < n; i++) {
    let rowK = 0, rowL = 0;
    for (let j = 0; j < n; j++) {
      const a = k[i * n + j], b = l[i * n + j];
      trace += a * b; // K and L are symmetric: tr(K L) = sum_ij K_ij L_ij
      rowK += a;
      rowL += b;
    }
    sumK += rowK;
    sumL += rowL;
    cross += rowK * rowL; // 1^T K L 1 = sum_i (K 1)_i (L 1)_i
  }
  return (trace + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * cross) / (n * (n - 3));
}

/** CKA of the Gram matrices, given their self-HSICs; 0 when either representation is constant. */
function ckaFromGrams(k: Float64Array, l: Float64Array, n: number, hk: number, hl: number): number {
  const denom = Math.sqrt(hk * hl);
  return denom > 0 ? hsicUnbiased(k, l, n) / denom : 0;
}

/** Linear CKA (unbiased HSIC) between X [n, d1] and Y [n, d2] with the same samples in the same order. */
export async function linearCka(x: Float32Tensor, y: Float32Tensor): Promise<number> {
  if (x.shape[0] !== y.shape[0]) throw new RangeError(`linearCka: both representations need the same samples, got ${x.shape[0]} and ${y.shape[0]}`);
  const n = x.shape[0];
  const k = await zeroDiagonalGram(x), l = await zeroDiagonalGram(y);
  return ckaFromGrams(k, l, n, hsicUnbiased(k, k, n), hsicUnbiased(l, l, n));
}

/** Linear CKA between every pair of representations (all with the same samples). */
export async function ckaMatrix(reps: readonly Float32Tensor[]): Promise<number[][]> {
  const n = reps[0]?.shape[0] ?? 0;
  const grams = await Promise.all(reps.map((r) => zeroDiagonalGram(r)));
  const self = grams.map((g) => hsicUnbiased(g, g, n));
  return grams.map((gi, i) => grams.map((gj, j) => (i === j ? (self[i] > 0 ? 1 : 0) : ckaFromGrams(gi, gj, n, self[i], self[j]))));
}

export interface ResidualCka {
  /** Representation names: `embed` (the residual entering block 0), then `block 0` ... `block L-1` (after each block). */
  labels: string[];
  /** CKA between every pair of residual streams. */
  matrix: number[][];
  /** Tokens sampled. */
  samples: number;
}

/**
 * CKA between the residual streams entering block 0 and leaving every block, over `samples` scored
 * positions drawn without replacement by `rng` from the windows (all of them when there are fewer).
 */
export async function residualCka(
  model: HookedTransformer,
  windows: readonly (readonly number[])[],
  options: { samples?: number; rng: Rng; batchWindows?: number },
): Promise<ResidualCka> {
  const L = model.config.nLayers, d = model.config.dModel;
  const names = ['blocks.0.hook_resid_pre', ...Array.from({ length: L }, (_, l) => `blocks.${l}.hook_resid_post`)];
  const seq = windows[0]?.length ?? 0;
  const total = windows.length * Math.max(0, seq - 2);
  const want = Math.min(options.samples ?? 1024, total);
  if (want < 4) throw new RangeError(`residualCka: needs at least 4 scored positions, got ${total}`);
  // Partial Fisher-Yates: a seeded sample of scored positions, then sorted so batches are read in order.
  const order = Int32Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < want; i++) {
    const j = i + options.rng.int(total - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const chosen = Array.from(order.subarray(0, want)).sort((a, b) => a - b);
  const reps = names.map(() => new Float32Array(want * d));
  const per = seq - 2;
  const batchWindows = options.batchWindows ?? 32;
  let c = 0;
  for (let start = 0; start < windows.length && c < want; start += batchWindows) {
    const batch = windows.slice(start, start + batchWindows);
    const hi = (start + batch.length) * per;
    if (chosen[c] >= hi) continue;
    const run = await model.run(batch, { cache: names, returnLogits: false });
    const rows = predictionRows(batch).rows;
    for (; c < want && chosen[c] < hi; c++) {
      const row = rows[chosen[c] - start * per];
      names.forEach((name, r) => reps[r].set(run.cache.get(name).data.subarray(row * d, (row + 1) * d), c * d));
    }
  }
  const matrix = await ckaMatrix(reps.map((data) => tensor([want, d], data)));
  return { labels: ['embed', ...Array.from({ length: L }, (_, l) => `block ${l}`)], matrix, samples: want };
}
