/** Turns input-validation errors from the plain functions into usage errors the CLI prints cleanly. */
import { MarrUsageError } from '@marr/core';

export function asUsageError<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Error && err.name !== 'MarrUsageError') throw new MarrUsageError(`${what}: ${err.message}`);
    throw err;
  }
}
