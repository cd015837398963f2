/** Column labels that say which token each position holds. */
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';

/** A token as a label: control characters (a newline in a BOS string, say) written as escapes. */
export function tokenLabel(token: string): string {
  return token.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

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
    return `${p} ${token === '*' ? token : tokenLabel(token)}${differs > 0 ? ` Δ${differs}` : ''}`;
  });
}
