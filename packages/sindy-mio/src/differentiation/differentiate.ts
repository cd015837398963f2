/** The two differentiation methods of the plugin: plain and smoothed finite differences. */
import { finiteDifference } from './finite-difference.js';
import { savitzkyGolay, type SavitzkyGolayOptions } from './savitzky-golay.js';

export type DerivativeMethod = 'fd' | 'smoothed-fd';

export interface Differentiated {
  /** The states the library should be built from (smoothed for 'smoothed-fd', as PySINDy does). */
  states: Float64Array;
  /** Their time derivatives. */
  derivatives: Float64Array;
}

/** Smoothed finite differences (PySINDy's SmoothedFiniteDifference): Savitzky-Golay, then second-order FD. */
export function smoothedFiniteDifference(x: Float64Array, t: ArrayLike<number>, columns: number, options: SavitzkyGolayOptions = {}): Differentiated {
  const states = savitzkyGolay(x, t.length, columns, options);
  return { states, derivatives: finiteDifference(states, t, columns) };
}

export function differentiate(method: DerivativeMethod, x: Float64Array, t: ArrayLike<number>, columns: number, options: SavitzkyGolayOptions = {}): Differentiated {
  if (method === 'fd') return { states: x, derivatives: finiteDifference(x, t, columns) };
  if (method === 'smoothed-fd') return smoothedFiniteDifference(x, t, columns, options);
  throw new Error(`differentiate: unknown method "${String(method)}"; use "fd" or "smoothed-fd"`);
}
