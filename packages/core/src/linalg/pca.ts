/** Principal component analysis by the SVD of the centred data. */
import { centerColumns, columnMeans, type DenseMatrix } from './dense.js';
import { svd } from './decompositions.js';

export interface Pca {
  /** Column means subtracted before the SVD. */
  mean: Float64Array;
  /** k x p, row c is the c-th principal direction (unit length). */
  components: DenseMatrix;
  /** Variance along each component (sample variance, n - 1). */
  explainedVariance: Float64Array;
  /** Share of the total variance along each component. */
  explainedVarianceRatio: Float64Array;
  /** n x k coordinates of the rows on the components. */
  scores: DenseMatrix;
}

export function pca(x: DenseMatrix, options: { components?: number } = {}): Pca {
  if (x.rows < 2) throw new RangeError(`pca: needs at least 2 rows, got ${x.rows}`);
  const mean = columnMeans(x);
  const centred = centerColumns(x, mean);
  const { u, s, v } = svd(centred);
  const k = Math.min(options.components ?? s.length, s.length);
  const total = s.reduce((a, b) => a + b * b, 0);
  const components = new Float64Array(k * x.cols);
  for (let c = 0; c < k; c++) for (let j = 0; j < x.cols; j++) components[c * x.cols + j] = v.data[j * v.cols + c];
  const scores = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) for (let c = 0; c < k; c++) scores[i * k + c] = u.data[i * u.cols + c] * s[c];
  return {
    mean,
    components: { rows: k, cols: x.cols, data: components },
    explainedVariance: Float64Array.from(s.subarray(0, k), (v2) => (v2 * v2) / (x.rows - 1)),
    explainedVarianceRatio: Float64Array.from(s.subarray(0, k), (v2) => (total > 0 ? (v2 * v2) / total : 0)),
    scores: { rows: x.rows, cols: k, data: scores },
  };
}
