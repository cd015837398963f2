/**
 * Seeded, stratified train/test split (the paper's 70/30): each class is shuffled with the seed and
 * cut at the same fraction, so both parts keep the class balance.
 */
import { createRng } from '@marr/core';

export interface TrainTestSplit {
  train: number[];
  test: number[];
}

export function stratifiedSplit(labels: ArrayLike<number>, options: { testFraction?: number; seed: number }): TrainTestSplit {
  const testFraction = options.testFraction ?? 0.3;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`stratifiedSplit: testFraction must be in (0, 1), got ${testFraction}`);
  const rng = createRng(options.seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const members: number[] = [];
    for (let i = 0; i < labels.length; i++) if ((labels[i] ? 1 : 0) === cls) members.push(i);
    if (members.length < 2) {
      throw new Error(`stratifiedSplit: class ${cls} has ${members.length} example(s); need at least 2 per class to split (add examples of that class)`);
    }
    const shuffled = rng.shuffle(members);
    const nTest = Math.min(members.length - 1, Math.max(1, Math.round(testFraction * members.length)));
    test.push(...shuffled.slice(0, nTest));
    train.push(...shuffled.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
