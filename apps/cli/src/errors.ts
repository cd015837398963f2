/**
 * A mistake in what the user asked for. Shares its name with @marr/core's MarrUsageError so one check
 * (`err.name === 'MarrUsageError'`) covers both without importing core just for the class.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MarrUsageError';
  }
}

export function isUsageError(err: unknown): boolean {
  return err instanceof Error && err.name === 'MarrUsageError';
}

/** "Did you mean" candidates: names within a small edit distance, closest first. */
export function closeMatches(name: string, candidates: readonly string[], max = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)) || c.includes(name) || name.includes(c));
  return scored.sort((a, b) => a.d - b.d).slice(0, max).map((s) => s.c);
}

// Hand-written: a dozen lines of Levenshtein distance do not justify a dependency.
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
