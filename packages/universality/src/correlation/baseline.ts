/**
 * The random baseline (authors' `--baseline rotation`): per layer of each other model, a d_mlp x d_mlp
 * matrix of standard Gaussians with every row scaled to unit norm; the baseline "neurons" are model m's
 * activations times its transpose (neuron k of the baseline = sum_j R[k, j] act_j). Drawn from the run
 * seed alone, so every shard draws the same matrices.
 */
import { createRng } from '@marr/core';

/** Row-major [d, d] with unit-norm rows, for other model `model` (from 1) and layer `layer`. */
export function baselineMatrix(seed: number, model: number, layer: number, d: number): Float32Array {
  // One stream per (model, layer): the seed mixed with both, so matrices do not depend on the order drawn.
  const rng = createRng((seed * 1_000_003 + model * 10_007 + layer * 101 + 17) >>> 0);
  const r = new Float32Array(d * d);
  for (let k = 0; k < d; k++) {
    const row = new Float64Array(d);
    let norm = 0;
    for (let j = 0; j < d; j++) {
      row[j] = rng.normal();
      norm += row[j] * row[j];
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) r[k * d + j] = row[j] / norm;
  }
  return r;
}
