/** Fourier features sin(f x_j), cos(f x_j) for f = 1..frequencies, in PySINDy's FourierLibrary order. */
import { customLibrary, type FeatureLibrary } from './feature-library.js';

export function fourierLibrary(stateCount: number, frequencies = 1): FeatureLibrary {
  if (!Number.isInteger(frequencies) || frequencies < 1) throw new Error(`fourierLibrary: frequencies must be a positive integer, got ${frequencies}`);
  const terms: Parameters<typeof customLibrary>[0][number][] = [];
  for (let f = 1; f <= frequencies; f++) {
    for (let j = 0; j < stateCount; j++) {
      const mult = f === 1 ? '' : `${f} `;
      terms.push({ name: (n) => `sin(${mult}${n[j]})`, evaluate: (s) => Math.sin(f * s[j]) });
      terms.push({ name: (n) => `cos(${mult}${n[j]})`, evaluate: (s) => Math.cos(f * s[j]) });
    }
  }
  return customLibrary(terms);
}
