/**
 * The prompt-pairs file (`--data pairs.jsonl`) as the analyses receive it.
 */
import { MarrUsageError, type AnalysisContext, type HookedTransformer } from '@marr/core';
import { readPromptPairs, tokenizePairs, type TokenizedPairs } from '../pairs/prompt-pairs.js';

export const PAIRS_INPUT = {
  kind: 'text' as const,
  required: true,
  description: 'JSON Lines, one {"clean", "corrupted", "answer", "wrong"} per line; clean and corrupted tokenize to the same length',
};

export async function pairsFromContext(ctx: AnalysisContext<unknown>, model: HookedTransformer): Promise<TokenizedPairs> {
  const path = ctx.data?.path;
  if (!path) throw new MarrUsageError('patching needs prompt pairs: pass --data pairs.jsonl');
  return tokenizePairs(model, await readPromptPairs(path), path);
}
