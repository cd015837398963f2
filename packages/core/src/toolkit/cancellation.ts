/**
 * One cancellation path for every analysis: `throwIfCancelled(signal)` between units of work; the runner
 * turns whatever a cancelled run throws into the same usage error, "the run was cancelled".
 */
import { MarrUsageError } from '../analysis/errors.js';

export const CANCELLED_MESSAGE = 'the run was cancelled';

/** The error a cancelled run ends with (a usage error: the user asked for it). */
export function cancelledError(): MarrUsageError {
  return new MarrUsageError(CANCELLED_MESSAGE);
}

/** Throws the cancellation error when `signal` has been aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}
