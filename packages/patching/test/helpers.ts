import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type HookedTransformer } from '@marr/core';
export { silentProgress as silent, testIo as io } from '@marr/core/testing';

const here = dirname(fileURLToPath(import.meta.url));
export const REFUSAL_PAIRS = join(here, '..', 'examples', 'refusal-pairs.jsonl');

let shipped: Promise<HookedTransformer> | null = null;
/** The shipped default model (its refusal protocol is the planted ground truth). */
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}
