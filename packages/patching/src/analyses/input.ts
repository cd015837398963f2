/**
 * The prompt-pairs file (`--data pairs.jsonl`) as the analyses receive it.
 *
 * `promptPairsKind` has the shape of a plugin input kind ({ id, description, load }); once the protocol
 * accepts a kind object for `--data`, PAIRS_INPUT declares it and pairsFromContext takes the loaded value.
 */
import { MarrUsageError, type AnalysisContext, type HookedTransformer } from '@marr/core';
import { PAIR_EXAMPLE, readPromptPairs, tokenizePairs, type PromptPair, type TokenizedPairs } from '../pairs/prompt-pairs.js';

export const promptPairsKind = {
  id: 'prompt-pairs',
  description: `JSON Lines, one pair per line: ${PAIR_EXAMPLE}`,
  load: (path: string): Promise<PromptPair[]> => readPromptPairs(path),
};

export const PAIRS_INPUT = {
  kind: 'text' as const,
  required: true,
  description: 'JSON Lines, one {"clean", "corrupted", "answer", "wrong"} per line; clean and corrupted tokenize to the same length',
};

export async function pairsFromContext(ctx: AnalysisContext<unknown>, model: HookedTransformer): Promise<TokenizedPairs> {
  const path = ctx.data?.path;
  if (!path) throw new MarrUsageError('patching needs prompt pairs: pass --data pairs.jsonl');
  return tokenizePairs(model, await promptPairsKind.load(path), path);
}
