/**
 * The rankers that choose which k features a probe may use, best first: mean difference, F statistic,
 * mutual information, L1 logistic regression (C = 0.1, balanced) and random (seeded). Ties are broken by
 * the mean difference, then by index, so rankings are deterministic.
 */
import { createRng } from '@marr/core';
import type { DesignMatrix } from '@marr/sparse-regression';
import { fStatisticScores } from './f-statistic.js';
import { l1LogisticScores } from './l1-logistic.js';
import { meanDifferenceScores } from './mean-difference.js';
import { mutualInformationScores } from './mutual-information.js';

export const RANKERS = ['mean-diff', 'f-stat', 'mutual-info', 'l1-logistic', 'random'] as const;
export type RankerName = (typeof RANKERS)[number];

export interface RankOptions {
  /** Seed for the random ranker. */
  seed?: number;
  /** C of the L1 logistic ranker (default 0.1). */
  l1C?: number;
}

export function rankerScores(method: RankerName, x: DesignMatrix, labels: ArrayLike<number>, options: RankOptions = {}): Float64Array {
  switch (method) {
    case 'mean-diff':
      return meanDifferenceScores(x, labels);
    case 'f-stat':
      return fStatisticScores(x, labels);
    case 'mutual-info':
      return mutualInformationScores(x, labels);
    case 'l1-logistic':
      return l1LogisticScores(x, labels, { C: options.l1C });
    case 'random': {
      const rng = createRng(options.seed ?? 0);
      const order = rng.shuffle(Array.from({ length: x.cols }, (_, j) => j));
      const scores = new Float64Array(x.cols);
      order.forEach((j, r) => (scores[j] = x.cols - r));
      return scores;
    }
    default:
      throw new Error(`rankFeatures: unknown ranker "${String(method)}"; use one of ${RANKERS.join(', ')}`);
  }
}

/** Feature indices ordered best first by `method`. */
export function rankFeatures(method: RankerName, x: DesignMatrix, labels: ArrayLike<number>, options: RankOptions = {}): number[] {
  const scores = rankerScores(method, x, labels, options);
  const tie = method === 'mean-diff' || method === 'random' ? null : meanDifferenceScores(x, labels);
  return Array.from({ length: x.cols }, (_, j) => j).sort((a, b) => {
    if (scores[b] !== scores[a]) return scores[b] > scores[a] ? 1 : -1;
    if (tie && tie[b] !== tie[a]) return tie[b] - tie[a];
    return a - b;
  });
}
