/**
 * `batches(items, { size, signal, progress })`: the one batching loop of the toolkit. Yields consecutive
 * slices of at most `size` items; checks for cancellation before each; when `progress` is given, runs
 * one progress phase (`label`, one step per batch) that ends when the loop does, however it ends.
 */
import type { Progress } from '../analysis/protocol.js';
import { throwIfCancelled } from './cancellation.js';

export interface BatchOptions {
  size: number;
  signal?: AbortSignal;
  progress?: Progress;
  /** The progress phase's label (default "batches"). */
  label?: string;
}

export interface Batch<T> {
  items: T[];
  /** Index of the batch's first item in `items`. */
  start: number;
  /** Index of the batch, from 0. */
  index: number;
  /** Number of batches in all. */
  count: number;
}

export function batchCount(n: number, size: number): number {
  return Math.ceil(n / size);
}

export async function* batches<T>(items: readonly T[], options: BatchOptions): AsyncGenerator<Batch<T>> {
  const { size, signal, progress } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batches: size must be a positive integer, got ${size}`);
  const count = batchCount(items.length, size);
  progress?.start(options.label ?? 'batches', count);
  try {
    for (let index = 0; index < count; index++) {
      throwIfCancelled(signal);
      const start = index * size;
      yield { items: items.slice(start, start + size), start, index, count };
      progress?.tick();
    }
  } finally {
    progress?.done();
  }
}

/**
 * A progress phase for work that is not a plain batch loop: `phase(progress, label, total)` starts it and
 * returns `tick(n)` and `done()`; ticks never run past `total`.
 */
export function phase(progress: Progress, label: string, total: number): { tick(n?: number): void; done(): void } {
  let left = total;
  progress.start(label, total);
  return {
    tick(n = 1) {
      const step = Math.min(n, left);
      if (step > 0) progress.tick(step);
      left -= step;
    },
    done() {
      progress.done();
    },
  };
}
