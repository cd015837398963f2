/** Random regression instances with a planted sparse support, for tests and benchmarks. */
import { createRng } from '@marr/core';
import { designMatrix, type DesignMatrix } from '../src/problem/design-matrix.js';

export interface PlantedInstance {
  x: DesignMatrix;
  y: Float64Array;
  support: number[];
  coefficients: Float64Array;
}

/** n x p Gaussian design with pairwise correlation rho, k planted coefficients of size 1..2, noise sigma. */
export function plantedInstance(seed: number, n: number, p: number, k: number, sigma: number, rho = 0.3): PlantedInstance {
  const rng = createRng(seed);
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const common = rng.normal();
    for (let j = 0; j < p; j++) data[i * p + j] = Math.sqrt(1 - rho) * rng.normal() + Math.sqrt(rho) * common;
  }
  const support = rng.shuffle(Array.from({ length: p }, (_, j) => j)).slice(0, k).sort((a, b) => a - b);
  const coefficients = new Float64Array(p);
  for (const j of support) coefficients[j] = (rng.next() < 0.5 ? -1 : 1) * (1 + rng.next());
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = sigma * rng.normal();
    for (const j of support) s += data[i * p + j] * coefficients[j];
    y[i] = s;
  }
  return { x: designMatrix(n, p, data), y, support, coefficients };
}
