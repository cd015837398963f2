/** Column labels that say which token each position holds. */
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';

/**
 * `3 make`: the position and its clean token when every pair has the same one there (`3 *` when they
 * vary); ` Δn` is appended where the clean and corrupted prompts differ in n pairs.
 */
export function positionLabels(pairs: TokenizedPairs): string[] {
  const T = pairs.clean[0].length;
  return Array.from({ length: T }, (_, p) => {
    const c = pairs.cleanTokens[0][p];
    const token = pairs.cleanTokens.every((t) => t[p] === c) ? c : '*';
    const differs = pairs.clean.filter((row, i) => row[p] !== pairs.corrupted[i][p]).length;
    return `${p} ${token}${differs > 0 ? ` Δ${differs}` : ''}`;
  });
}
