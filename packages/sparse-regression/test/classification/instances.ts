/** Random binary classification instances for the sparse classifier tests and benchmark. */
import { createRng } from '@marr/core';
import { designMatrix, type DesignMatrix } from '../../src/problem/design-matrix.js';

export interface ClassificationInstance {
  x: DesignMatrix;
  labels: Uint8Array;
  support: number[];
}

/** Gaussian columns (correlation rho); labels drawn from a logistic model on k planted columns. */
export function plantedLogisticInstance(seed: number, n: number, p: number, k: number, scale = 2, rho = 0.2, positiveShift = 0): ClassificationInstance {
  const rng = createRng(seed);
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const common = rng.normal();
    for (let j = 0; j < p; j++) data[i * p + j] = Math.sqrt(1 - rho) * rng.normal() + Math.sqrt(rho) * common;
  }
  const support = rng.shuffle(Array.from({ length: p }, (_, j) => j)).slice(0, k).sort((a, b) => a - b);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let s = positiveShift;
    for (const j of support) s += scale * data[i * p + j] * (j % 2 ? -1 : 1);
    labels[i] = rng.next() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
  }
  return { x: designMatrix(n, p, data), labels, support };
}

/**
 * Two columns that are individually (almost) uninformative but jointly separate the classes:
 * a = u + eps y, b = u with u of unit variance shared, so a - b = eps y; plus `decoys` columns whose
 * class means differ more (d' = 1) but which overlap heavily. Columns 0 and 1 are the planted pair.
 */
export function jointlySeparableInstance(seed: number, n: number, decoys: number, eps = 0.3): ClassificationInstance {
  const rng = createRng(seed);
  const p = 2 + decoys;
  const data = new Float64Array(n * p);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const yi = i % 2;
    labels[i] = yi;
    const sgn = yi ? 1 : -1;
    const u = rng.normal();
    data[i * p] = u + eps * sgn;
    data[i * p + 1] = u;
    for (let j = 2; j < p; j++) data[i * p + j] = rng.normal() + 0.5 * sgn;
  }
  return { x: designMatrix(n, p, data), labels, support: [0, 1] };
}
