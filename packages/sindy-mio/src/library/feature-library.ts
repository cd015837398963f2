/**
 * A feature library maps states X (samples x d) to candidate terms Theta(X) (samples x p) with readable
 * names. Polynomial, Fourier and user-function libraries implement it, and `concatLibraries` joins them.
 */
import type { DesignMatrix } from '@marr/sparse-regression';

export interface FeatureLibrary {
  /** Number of features for d state variables. */
  size(stateCount: number): number;
  /** Feature names, e.g. `x0^2 x1`, given the state names. */
  names(stateNames: readonly string[]): string[];
  /** Theta(X) for states given row-major as samples x stateCount. */
  transform(states: Float64Array, samples: number, stateCount: number): DesignMatrix;
}

/** A library of user functions, each applied to one sample's state vector. */
export function customLibrary(
  terms: readonly { name: (stateNames: readonly string[]) => string; evaluate: (state: Float64Array) => number }[],
): FeatureLibrary {
  if (terms.length === 0) throw new Error('customLibrary: give at least one term');
  return {
    size: () => terms.length,
    names: (stateNames) => terms.map((t) => t.name(stateNames)),
    transform(states, samples, stateCount) {
      const p = terms.length;
      const data = new Float64Array(samples * p);
      const row = new Float64Array(stateCount);
      for (let i = 0; i < samples; i++) {
        for (let j = 0; j < stateCount; j++) row[j] = states[i * stateCount + j];
        for (let f = 0; f < p; f++) data[i * p + f] = terms[f].evaluate(row);
      }
      return { rows: samples, cols: p, data };
    },
  };
}

/** Concatenates libraries column-wise (features of the first, then the second, ...). */
export function concatLibraries(...libraries: FeatureLibrary[]): FeatureLibrary {
  if (libraries.length === 0) throw new Error('concatLibraries: give at least one library');
  return {
    size: (d) => libraries.reduce((acc, l) => acc + l.size(d), 0),
    names: (stateNames) => libraries.flatMap((l) => l.names(stateNames)),
    transform(states, samples, stateCount) {
      const parts = libraries.map((l) => l.transform(states, samples, stateCount));
      const p = parts.reduce((acc, m) => acc + m.cols, 0);
      const data = new Float64Array(samples * p);
      for (let i = 0; i < samples; i++) {
        let off = 0;
        for (const m of parts) {
          for (let j = 0; j < m.cols; j++) data[i * p + off + j] = m.data[i * m.cols + j];
          off += m.cols;
        }
      }
      return { rows: samples, cols: p, data };
    },
  };
}
