import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type HookedTransformer } from '@marr/core';
export { silentProgress as silent, testIo as io, WordTokenizer } from '@marr/core/testing';

const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_DIR = join(here, '..');
export const REFUSAL_PROMPTS = join(here, '..', 'examples', 'refusal-prompts.jsonl');

let shipped: Promise<HookedTransformer> | null = null;
/** The shipped default model (its refusal protocol: a forbidden object in the request decides "I" over "Sure"). */
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}
