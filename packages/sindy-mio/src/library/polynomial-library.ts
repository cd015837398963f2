/**
 * Polynomial features up to a total degree, in PySINDy's PolynomialLibrary order: for each degree
 * 0..K, the combinations with replacement of the state indices (itertools order). For d = 3, K = 2:
 * 1, x0, x1, x2, x0^2, x0 x1, x0 x2, x1^2, x1 x2, x2^2.
 */
import type { FeatureLibrary } from './feature-library.js';

export interface PolynomialLibraryOptions {
  degree: number;
  /** Include the constant term (default true). */
  includeBias?: boolean;
}

/** Exponent vectors of the library's terms, in order. */
export function polynomialExponents(stateCount: number, degree: number, includeBias = true): number[][] {
  if (!Number.isInteger(degree) || degree < 0) throw new Error(`polynomialLibrary: degree must be a non-negative integer, got ${degree}`);
  if (!Number.isInteger(stateCount) || stateCount < 1) throw new Error(`polynomialLibrary: need at least one state variable, got ${stateCount}`);
  const out: number[][] = [];
  for (let deg = includeBias ? 0 : 1; deg <= degree; deg++) {
    // Combinations with replacement of range(stateCount) of length deg, lexicographic.
    const combo = new Array<number>(deg).fill(0);
    for (;;) {
      const e = new Array<number>(stateCount).fill(0);
      for (const c of combo) e[c]++;
      out.push(e);
      let i = deg - 1;
      while (i >= 0 && combo[i] === stateCount - 1) i--;
      if (i < 0) break;
      combo[i]++;
      for (let j = i + 1; j < deg; j++) combo[j] = combo[i];
    }
  }
  return out;
}

/** A readable name: `1`, `x0`, `x0^2 x1`. */
export function monomialName(exponents: readonly number[], stateNames: readonly string[]): string {
  const parts: string[] = [];
  exponents.forEach((e, j) => {
    if (e === 1) parts.push(stateNames[j]);
    else if (e > 1) parts.push(`${stateNames[j]}^${e}`);
  });
  return parts.length === 0 ? '1' : parts.join(' ');
}

export function polynomialLibrary(options: PolynomialLibraryOptions): FeatureLibrary & { exponents(stateCount: number): number[][] } {
  const includeBias = options.includeBias ?? true;
  const degree = options.degree;
  polynomialExponents(1, degree, includeBias); // validates
  return {
    exponents: (d) => polynomialExponents(d, degree, includeBias),
    size: (d) => polynomialExponents(d, degree, includeBias).length,
    names: (stateNames) => polynomialExponents(stateNames.length, degree, includeBias).map((e) => monomialName(e, stateNames)),
    transform(states, samples, stateCount) {
      const exps = polynomialExponents(stateCount, degree, includeBias);
      const p = exps.length;
      const data = new Float64Array(samples * p);
      for (let i = 0; i < samples; i++) {
        for (let f = 0; f < p; f++) {
          let v = 1;
          const e = exps[f];
          for (let j = 0; j < stateCount; j++) for (let r = 0; r < e[j]; r++) v *= states[i * stateCount + j];
          data[i * p + f] = v;
        }
      }
      return { rows: samples, cols: p, data };
    },
  };
}
