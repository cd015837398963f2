/** Names close to a mistyped one, for "did you mean" hints (the CLI and core share this one). */

/** Levenshtein distance (a dozen lines do not justify a dependency). */
export function editDistance(a: string, b: string): number {
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

/** Candidates within a small edit distance of `name` (or containing it), closest first, at most `max`. */
export function closeMatches(name: string, candidates: readonly string[], max = 3): string[] {
  const scored = candidates
    .map((c) => ({ c, d: editDistance(name.toLowerCase(), c.toLowerCase()) }))
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 3)) || c.includes(name) || name.includes(c));
  return scored.sort((a, b) => a.d - b.d).slice(0, max).map((s) => s.c);
}
