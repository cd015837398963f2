/**
 * The authors' spectral clustering (clustering.py, spectral_cluster_sims: scikit-learn's
 * SpectralClustering with affinity="precomputed" on 1 − arccos(sim)/π): the normalised affinity
 * D^-1/2 A D^-1/2, its top-k eigenvectors divided by sqrt(degree) as the spectral embedding (as
 * scikit-learn's spectral_embedding), then k-means (k-means++ seeding, 10 starts, the lowest inertia
 * kept). Up to DENSE_SPECTRAL_FEATURES features the eigendecomposition is dense and exact (core's
 * symmetricEig); above, the top-k eigenvectors come from randomized subspace iteration (top-eigenvectors.ts),
 * as scikit-learn's default solver is an iterative one too (ARPACK).
 */
import { createRng, MarrUsageError, symmetricEig, throwIfCancelled } from '@marr/core';
import { topEigenvectors } from './top-eigenvectors.js';

export const DENSE_SPECTRAL_FEATURES = 500;

export function angularAffinity(sims: Float32Array, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) a[i] = 1 - Math.acos(Math.min(1, Math.max(-1, sims[i]))) / Math.PI;
  return a;
}

/** k-means on rows of x [n, d]: k-means++ seeding, Lloyd iterations, best of `starts` by inertia. */
export function kMeans(x: Float64Array, n: number, d: number, k: number, options: { seed: number; starts?: number; iterations?: number }): Int32Array {
  const rng = createRng(options.seed);
  const starts = options.starts ?? 10, iterations = options.iterations ?? 300;
  let bestLabels = new Int32Array(n), bestInertia = Infinity;
  const dist2 = (i: number, c: Float64Array, j: number) => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (x[i * d + t] - c[j * d + t]) ** 2;
    return s;
  };
  for (let start = 0; start < starts; start++) {
    const centres = new Float64Array(k * d);
    const first = rng.int(n);
    for (let t = 0; t < d; t++) centres[t] = x[first * d + t];
    const near = new Float64Array(n).fill(Infinity);
    for (let j = 1; j < k; j++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        near[i] = Math.min(near[i], dist2(i, centres, j - 1));
        total += near[i];
      }
      let u = rng.next() * total, pick = n - 1;
      for (let i = 0; i < n; i++) {
        u -= near[i];
        if (u <= 0) { pick = i; break; }
      }
      for (let t = 0; t < d; t++) centres[j * d + t] = x[pick * d + t];
    }
    const labels = new Int32Array(n).fill(-1);
    let inertia = 0;
    for (let it = 0; it < iterations; it++) {
      let changed = false;
      inertia = 0;
      for (let i = 0; i < n; i++) {
        let best = 0, bd = Infinity;
        for (let j = 0; j < k; j++) {
          const v = dist2(i, centres, j);
          if (v < bd) { bd = v; best = j; }
        }
        inertia += bd;
        if (labels[i] !== best) { labels[i] = best; changed = true; }
      }
      if (!changed) break;
      centres.fill(0);
      const counts = new Int32Array(k);
      for (let i = 0; i < n; i++) {
        counts[labels[i]]++;
        for (let t = 0; t < d; t++) centres[labels[i] * d + t] += x[i * d + t];
      }
      for (let j = 0; j < k; j++) {
        if (counts[j] === 0) {
          const i = rng.int(n);
          for (let t = 0; t < d; t++) centres[j * d + t] = x[i * d + t];
        } else for (let t = 0; t < d; t++) centres[j * d + t] /= counts[j];
      }
    }
    if (inertia < bestInertia) { bestInertia = inertia; bestLabels = labels; }
  }
  return bestLabels;
}

export async function spectralClusters(sims: Float32Array, n: number, options: { clusters: number; seed: number; signal?: AbortSignal; solver?: 'dense' | 'randomized' }): Promise<number[][]> {
  const k = options.clusters;
  if (k > n) throw new MarrUsageError(`spectralClusters (${k}) exceeds the number of features (${n}); ask for fewer clusters`);
  const a = angularAffinity(sims, n);
  const deg = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) deg[i] += a[i * n + j];
  const dd = Float64Array.from(deg, (v) => Math.sqrt(v));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] /= dd[i] * dd[j];
  // Exact symmetry for the checked eigendecomposition.
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  throwIfCancelled(options.signal);
  const solver = options.solver ?? (n <= DENSE_SPECTRAL_FEATURES ? 'dense' : 'randomized');
  // vec(i, c): entry i of the c-th largest eigenvector.
  let vec: (i: number, c: number) => number;
  if (solver === 'dense') {
    const { vectors } = symmetricEig({ rows: n, cols: n, data: a });
    vec = (i, c) => vectors.data[i * n + c];
  } else {
    const top = await topEigenvectors(Float32Array.from(a), n, k, { seed: options.seed, signal: options.signal });
    vec = (i, c) => top.vectors[i * k + c];
  }
  throwIfCancelled(options.signal);
  const emb = new Float64Array(n * k);
  for (let c = 0; c < k; c++) {
    // scikit-learn's deterministic sign: the entry of largest magnitude is positive.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(vec(i, c)) > Math.abs(vec(big, c))) big = i;
    const sign = vec(big, c) < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) emb[i * k + c] = (sign * vec(i, c)) / dd[i];
  }
  const labels = kMeans(emb, n, k, k, { seed: options.seed });
  const out: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) out[labels[i]].push(i);
  return out.filter((c) => c.length > 0);
}
