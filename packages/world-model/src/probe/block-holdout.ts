/**
 * Block holdout (the authors' generalization_experiment.py): hold out every entity of one group (a
 * country, a state, a decade) at once, train on all the others with the penalty the nominal probe chose,
 * and ask how well the held-out block is placed. A probe that only memorised "entities like these sit
 * here" fails on a block it never saw any member of; one that reads a general map does not.
 * Each held-out entity's proximity error is measured among all entities' predictions (the authors'
 * combined error); the nominal figure is the same quantity under the nominal probe, for the block's
 * entities in the nominal test split.
 */
import { throwIfCancelled, type DenseMatrix } from '@marr/core';
import { mean, proximityErrors } from '../metrics/proximity.js';
import type { TargetKind } from '../entities/table.js';
import { fitProbe, truePredDistance } from './layer-probe.js';

export interface HeldOutBlock {
  group: string;
  size: number;
  /** Mean proximity error of the block's entities under the probe trained without the block. */
  proximityError: number;
  /** The same under the nominal probe, for the block's entities in the nominal test split (null when there are none). */
  nominalProximityError: number | null;
  /** Mean error of the block's entities (km for places, target units otherwise) without the block. */
  error: number;
  nominalError: number | null;
  /** How many of the block's entities are in the nominal test split. */
  nominalTestSize: number;
}

export interface BlockHoldout {
  blocks: HeldOutBlock[];
  /** Means over blocks (nominal: over blocks with nominal test entities). */
  proximityError: number;
  nominalProximityError: number;
}

/** The groups held out: at least `minSize` entities, largest first (ties by name), at most `maxBlocks`. */
export function chooseBlocks(groups: readonly string[], minSize: number, maxBlocks: number): string[] {
  const counts = new Map<string, number>();
  for (const g of groups) if (g !== '') counts.set(g, (counts.get(g) ?? 0) + 1);
  return [...counts]
    .filter(([, c]) => c >= minSize && c < groups.length)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, maxBlocks)
    .map(([g]) => g);
}

export function blockHoldout(options: {
  kind: TargetKind;
  x: DenseMatrix;
  y: DenseMatrix;
  groups: readonly string[];
  blocks: readonly string[];
  test: readonly number[];
  /** The nominal probe's predictions of every entity. */
  nominalPredictions: DenseMatrix;
  alpha: number;
  signal?: AbortSignal;
  onBlock?: () => void;
}): BlockHoldout {
  const { kind, x, y, groups } = options;
  const everyone = Array.from({ length: x.rows }, (_, i) => i);
  const inTest = new Set(options.test);
  const nominalDistance = truePredDistance(kind, y, options.nominalPredictions);
  const blocks = options.blocks.map((group): HeldOutBlock => {
    throwIfCancelled(options.signal);
    const block = everyone.filter((i) => groups[i] === group);
    const rest = everyone.filter((i) => groups[i] !== group);
    const { predictions } = fitProbe(x, y, rest, [options.alpha]);
    const distance = truePredDistance(kind, y, predictions);
    const nominalBlock = block.filter((i) => inTest.has(i));
    options.onBlock?.();
    return {
      group,
      size: block.length,
      proximityError: mean(proximityErrors(block, everyone, distance)),
      nominalProximityError: nominalBlock.length > 0 ? mean(proximityErrors(nominalBlock, everyone, nominalDistance)) : null,
      error: mean(Float64Array.from(block, (i) => distance(i, i))),
      nominalError: nominalBlock.length > 0 ? mean(Float64Array.from(nominalBlock, (i) => nominalDistance(i, i))) : null,
      nominalTestSize: nominalBlock.length,
    };
  });
  const withNominal = blocks.filter((b) => b.nominalProximityError !== null);
  return {
    blocks,
    proximityError: mean(Float64Array.from(blocks, (b) => b.proximityError)),
    nominalProximityError: mean(Float64Array.from(withNominal, (b) => b.nominalProximityError!)),
  };
}
