/** Planted 2-D point clouds whose irreducibility is known by construction. */
import { createRng } from '@marr/core';
import { pointCloud, type PointCloud } from '../src/irreducibility/mixture-index.js';

/** Points on the unit circle at uniform random angles, plus small isotropic noise. */
export function circleCloud(n: number, seed: number, noise = 0.02): PointCloud {
  const rng = createRng(seed);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rng.next();
    data[2 * i] = Math.cos(t) + noise * rng.normal();
    data[2 * i + 1] = Math.sin(t) + noise * rng.normal();
  }
  return pointCloud(n, 2, data);
}

/** An anisotropic, rotated 2-D Gaussian (x = g · A). */
export function gaussianCloud(n: number, seed: number): PointCloud {
  const rng = createRng(seed);
  const A = [[1.3, 0.4], [-0.7, 0.9]];
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const g0 = rng.normal(), g1 = rng.normal();
    data[2 * i] = g0 * A[0][0] + g1 * A[1][0];
    data[2 * i + 1] = g0 * A[0][1] + g1 * A[1][1];
  }
  return pointCloud(n, 2, data);
}

/** Two independent 1-D features (uniform and exponential) along rotated orthogonal axes: separable. */
export function productCloud(n: number, seed: number, angle = 0.6): PointCloud {
  const rng = createRng(seed);
  const c = Math.cos(angle), s = Math.sin(angle);
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const u = 2 * rng.next() - 1;
    const e = -Math.log(1 - rng.next()) - 1;
    data[2 * i] = u * c - e * s;
    data[2 * i + 1] = u * s + e * c;
  }
  return pointCloud(n, 2, data);
}

/** A mixture of two 1-D features on lines through the origin (share `first` on the first line). */
export function twoLinesCloud(n: number, seed: number, first = 0.5): PointCloud {
  const rng = createRng(seed);
  const d1 = [1, 0.2], d2 = [-0.3, 1];
  const data = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = rng.normal();
    const d = rng.next() < first ? d1 : d2;
    data[2 * i] = t * d[0];
    data[2 * i + 1] = t * d[1];
  }
  return pointCloud(n, 2, data);
}
