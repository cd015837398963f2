/**
 * A labelled feature matrix: n examples x p features (row-major float64), one feature name per column
 * (e.g. "L3N609" for neuron 609 of layer 3, or a CSV column name) and 0/1 labels (1 = the feature is
 * present). Everything in this package works on this shape, whatever produced the activations.
 */
import { designMatrix, type DesignMatrix } from '@marr/sparse-regression';

export interface LabelledFeatures {
  x: DesignMatrix;
  names: string[];
  labels: Uint8Array;
}

export function labelledFeatures(x: DesignMatrix, names: readonly string[], labels: ArrayLike<number | boolean>): LabelledFeatures {
  if (names.length !== x.cols) throw new Error(`labelledFeatures: ${names.length} feature names for ${x.cols} columns; give one name per column`);
  if (labels.length !== x.rows) throw new Error(`labelledFeatures: ${labels.length} labels for ${x.rows} examples; give one label per example`);
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = Number(labels[i]);
    if (v !== 0 && v !== 1) throw new Error(`labelledFeatures: label ${i} is ${String(labels[i])}; labels must be 0 or 1 (1 = positive class)`);
    out[i] = v;
  }
  for (let k = 0; k < x.data.length; k++) {
    if (!Number.isFinite(x.data[k])) {
      const i = Math.floor(k / x.cols);
      throw new Error(`labelledFeatures: feature "${names[k % x.cols]}" of example ${i} is ${x.data[k]}; remove or impute non-finite values first`);
    }
  }
  return { x, names: [...names], labels: out };
}

/** The rows `rows` of a matrix, in that order. */
export function selectRows(x: DesignMatrix, rows: readonly number[]): DesignMatrix {
  const out = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => out.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return designMatrix(rows.length, x.cols, out);
}

/** The columns `cols` of a matrix, in that order. */
export function selectColumns(x: DesignMatrix, cols: readonly number[]): DesignMatrix {
  const out = new Float64Array(x.rows * cols.length);
  for (let i = 0; i < x.rows; i++) for (let c = 0; c < cols.length; c++) out[i * cols.length + c] = x.data[i * x.cols + cols[c]];
  return designMatrix(x.rows, cols.length, out);
}

export function countPositives(labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += labels[i] ? 1 : 0;
  return s;
}
