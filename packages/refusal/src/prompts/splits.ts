/**
 * Seeded splits per class: train (nTrain) and val (nVal) drawn without replacement from the class's pool,
 * test (up to nTest) from its test file when one is given, else from what is left of the pool.
 */
import { MarrUsageError, type Rng } from '@marr/core';
import type { Instruction } from './instructions.js';

export interface ClassSplits {
  train: string[];
  val: string[];
  test: string[];
}

export function splitClass(
  name: string,
  pool: readonly Instruction[],
  testPool: readonly Instruction[] | null,
  sizes: { nTrain: number; nVal: number; nTest: number },
  rng: Rng,
): ClassSplits {
  const texts = rng.shuffle(pool.map((p) => p.instruction));
  const need = sizes.nTrain + sizes.nVal;
  if (texts.length < need + (testPool ? 0 : 1)) {
    throw new MarrUsageError(
      `the ${name} prompts hold ${texts.length} instructions but nTrain + nVal = ${need}${testPool ? '' : ' and the test split needs at least one more'}; ` +
        `pass smaller --param nTrain=... nVal=..., a larger file, or a separate --input ${name}Test=<file>`,
    );
  }
  const train = texts.slice(0, sizes.nTrain);
  const val = texts.slice(sizes.nTrain, need);
  const test = testPool ? rng.shuffle(testPool.map((p) => p.instruction)).slice(0, sizes.nTest) : texts.slice(need, need + sizes.nTest);
  return { train, val, test };
}
