/**
 * Column standardisation (zero mean, unit variance) fitted on the training rows and applied to any
 * rows, as the paper does for neurons. Constant columns are centred and left with scale 1.
 */
import { designMatrix, type DesignMatrix } from '@marr/sparse-regression';

export interface Standardizer {
  mean: Float64Array;
  scale: Float64Array;
}

export function fitStandardizer(x: DesignMatrix): Standardizer {
  const { rows: n, cols: p, data } = x;
  if (n === 0) throw new Error('fitStandardizer: no rows to fit on');
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += data[i * p + j];
  for (let j = 0; j < p; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) scale[j] += (data[i * p + j] - mean[j]) ** 2;
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt(scale[j] / n);
    scale[j] = sd > 1e-12 * (1 + Math.abs(mean[j])) ? sd : 1;
  }
  return { mean, scale };
}

export function applyStandardizer(x: DesignMatrix, s: Standardizer): DesignMatrix {
  const { rows: n, cols: p, data } = x;
  if (s.mean.length !== p) throw new Error(`applyStandardizer: fitted on ${s.mean.length} columns, applied to ${p}`);
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) out[i * p + j] = (data[i * p + j] - s.mean[j]) / s.scale[j];
  return designMatrix(n, p, out);
}
