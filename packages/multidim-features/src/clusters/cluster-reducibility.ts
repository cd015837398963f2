/**
 * A cluster's irreducibility (gpt2_compute_reducibility.py and analyze_reducibilities.py): PCA of its
 * reconstructions to min(5, cluster size) components (dropping those without variance), M_ε and S on each consecutive pair of components
 * (0-1, 1-2, ...), and the authors' ranking score: the mean of [0, (1 − M)·S for every pair with
 * M ≥ 0.01] (their list starts with a 0, which favours clusters with more pairs).
 */
import { pca } from '@marr/core';
import { irreducibility, type Irreducibility, type IrreducibilityOptions } from '../irreducibility/irreducibility.js';
import { pointCloud, type PointCloud } from '../irreducibility/mixture-index.js';
import type { ClusterReconstruction } from './cluster-activations.js';

/** Pairs with a mixture index below this are left out of the ranking (the authors' mixure_bottom_floor). */
export const MIXTURE_FLOOR = 0.01;
/** Principal components with a smaller share of the variance are dropped as rounding noise. */
export const NEGLIGIBLE_VARIANCE = 1e-6;

export interface PairIrreducibility {
  /** The components [i, i + 1]. */
  pcs: [number, number];
  cloud: PointCloud;
  result: Irreducibility;
}

export interface ClusterIrreducibility {
  components: number;
  explainedVarianceRatio: number[];
  pairs: PairIrreducibility[];
  /** The authors' ranking score. */
  score: number;
}

export function rankingScore(pairs: readonly { mixture: number; separability: number }[]): number {
  const values = [0, ...pairs.filter((p) => p.mixture >= MIXTURE_FLOOR).map((p) => (1 - p.mixture) * p.separability)];
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function clusterIrreducibility(rec: ClusterReconstruction, clusterSize: number, options: IrreducibilityOptions & { components?: number }): ClusterIrreducibility | null {
  const n = rec.tokens.length;
  const k = Math.min(options.components ?? 5, clusterSize, n - 1, rec.d);
  if (k < 2) return null;
  const full = pca({ rows: n, cols: rec.d, data: rec.data }, { components: k });
  // Components without variance (a cluster spanning fewer dimensions than it has features) are rounding noise: drop them.
  let used = 0;
  while (used < k && full.explainedVarianceRatio[used] > NEGLIGIBLE_VARIANCE) used++;
  if (used < 2) return null;
  const pairs: PairIrreducibility[] = [];
  for (let c = 0; c + 1 < used; c++) {
    const xy = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      xy[2 * i] = full.scores.data[i * k + c];
      xy[2 * i + 1] = full.scores.data[i * k + c + 1];
    }
    const cloud = pointCloud(n, 2, xy);
    pairs.push({ pcs: [c, c + 1], cloud, result: irreducibility(cloud, { ...options, seed: (options.seed ?? 0) + c }) });
  }
  return {
    components: used,
    explainedVarianceRatio: Array.from(full.explainedVarianceRatio.subarray(0, used)),
    pairs,
    score: rankingScore(pairs.map((p) => ({ mixture: p.result.mixture.index, separability: p.result.separability.index }))),
  };
}
