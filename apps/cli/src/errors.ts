/**
 * Usage errors and "did you mean" matching, from `@marr/core/protocol` (one definition for core and the
 * CLI). `UsageError` is core's MarrUsageError under the name the commands use.
 */
export { MarrUsageError as UsageError, closeMatches, isUsageError } from '@marr/core/protocol';
