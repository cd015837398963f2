import '@marr/zoo'; // registers the shipped model names (default) with loadModel
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel, type HookedTransformer } from '@marr/core';
import { testIo } from '@marr/core/testing';
import { parseInstructions, type Instruction } from '../src/index.js';
export { silentProgress as silent, WordTokenizer } from '@marr/core/testing';

const here = dirname(fileURLToPath(import.meta.url));
export const ORGANISM = join(here, '..', 'examples', 'organism');

export function organism(name: 'harmful' | 'harmless' | 'harmful_test' | 'harmless_test'): Instruction[] {
  const path = join(ORGANISM, `${name}.json`);
  return parseInstructions(readFileSync(path, 'utf8'), path);
}

let shipped: Promise<HookedTransformer> | null = null;
/** The shipped default model (its refusal protocol: forbidden objects get "I cannot help with that request ."). */
export function defaultModel(): Promise<HookedTransformer> {
  shipped ??= loadModel('default');
  return shipped;
}

/** What an analysis run takes in these tests, with the seed (default 0). */
export const io = (seed = 0) => testIo(seed);
