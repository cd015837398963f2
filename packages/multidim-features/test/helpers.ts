import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { loadModel, type HookedTransformer } from '@marr/core';
export { silentProgress as silent, testIo as io } from '@marr/core/testing';

let shipped: Promise<HookedTransformer> | null = null;
/** The shipped default model (trained to 95% calendar accuracy: the planted ground truth of the circle analyses). */
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}

export const strip = (env: object): string => JSON.stringify({ ...env, timings: null });
