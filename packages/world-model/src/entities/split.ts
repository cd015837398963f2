/**
 * Which entities are used and which are held out: a seeded sample of at most `maxEntities` (table order
 * kept), and the table's split column when it has one, otherwise a seeded random split.
 */
import { MarrUsageError, type Rng } from '@marr/core';

export interface EntitySplit {
  /** Indices into the entity table of the entities used, ascending. */
  used: number[];
  /** Positions (into `used`) of the training and test entities. */
  train: number[];
  test: number[];
  /** 'column' when the table's split column decided, 'random' otherwise. */
  from: 'column' | 'random';
}

export function splitEntities(count: number, isTest: readonly boolean[] | null, options: { maxEntities: number; testFraction: number; rng: Rng }): EntitySplit {
  const all = Array.from({ length: count }, (_, i) => i);
  const used = count <= options.maxEntities ? all : options.rng.fork().shuffle(all).slice(0, options.maxEntities).sort((a, b) => a - b);
  let testSet: Set<number>;
  if (isTest) {
    testSet = new Set(used.map((e, k) => (isTest[e] ? k : -1)).filter((k) => k >= 0));
  } else {
    const nTest = Math.max(1, Math.round(used.length * options.testFraction));
    testSet = new Set(options.rng.fork().shuffle(used.map((_, k) => k)).slice(0, nTest));
  }
  const train = used.map((_, k) => k).filter((k) => !testSet.has(k));
  const test = used.map((_, k) => k).filter((k) => testSet.has(k));
  if (train.length < 5) throw new MarrUsageError(`only ${train.length} training entities; a probe needs at least 5 (give more rows, a larger maxEntities, or a smaller test share)`);
  if (test.length < 3) throw new MarrUsageError(`only ${test.length} test entities; metrics need at least 3 (give more rows, a larger maxEntities or testFraction, or fix the split column)`);
  return { used, train, test, from: isTest ? 'column' : 'random' };
}
