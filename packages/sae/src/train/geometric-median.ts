/**
 * The geometric median of rows (the point minimising the sum of Euclidean distances), by Weiszfeld's
 * iteration from the mean. SAELens and Anthropic initialise b_dec there: it is robust to the
 * heavy-tailed outliers of residual streams, where the mean is not.
 */
import type { Float32Tensor } from '@marr/core';

export function rowMean(x: Float32Tensor): Float64Array {
  const [n, d] = x.shape;
  const m = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) m[j] += x.data[r * d + j];
  for (let j = 0; j < d; j++) m[j] /= n;
  return m;
}

export function geometricMedian(x: Float32Tensor, options: { maxIterations?: number; tolerance?: number } = {}): Float64Array {
  const [n, d] = x.shape;
  const maxIt = options.maxIterations ?? 100;
  const tol = options.tolerance ?? 1e-7;
  let y = rowMean(x);
  for (let it = 0; it < maxIt; it++) {
    const num = new Float64Array(d);
    let den = 0;
    for (let r = 0; r < n; r++) {
      let ss = 0;
      for (let j = 0; j < d; j++) ss += (x.data[r * d + j] - y[j]) ** 2;
      const w = 1 / Math.max(Math.sqrt(ss), 1e-12);
      den += w;
      for (let j = 0; j < d; j++) num[j] += w * x.data[r * d + j];
    }
    let move = 0, size = 0;
    for (let j = 0; j < d; j++) {
      const v = num[j] / den;
      move += (v - y[j]) ** 2;
      size += v * v;
      num[j] = v;
    }
    y = num;
    if (Math.sqrt(move) <= tol * Math.max(1, Math.sqrt(size))) break;
  }
  return y;
}
