/**
 * Errors caused by what a user asked for (an unknown analysis, a bad parameter, a missing file), as
 * opposed to bugs. The CLI prints their message alone, without a stack trace, and exits non-zero.
 */
export class MarrUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarrUsageError';
  }
}

export function isUsageError(err: unknown): err is MarrUsageError {
  return err instanceof Error && err.name === 'MarrUsageError';
}
