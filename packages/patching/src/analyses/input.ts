/**
 * The prompt-pairs file as the analyses receive it: the main dataset (`--data pairs.jsonl`), read by the
 * plugin's own input kind (per-line errors, hashed into report.inputs.files with role `data`) and handed
 * over by the runner as `ctx.inputs.data`.
 */
import { defineInputKind, MarrUsageError, type AnalysisContext, type AnalysisInputs, type HookedTransformer } from '@marr/core';
import { PAIR_EXAMPLE, readPromptPairs, tokenizePairs, type PromptPair, type TokenizedPairs } from '../pairs/prompt-pairs.js';

export const promptPairsKind = defineInputKind<PromptPair[]>({
  id: 'prompt-pairs',
  description: `JSON Lines, one pair per line: ${PAIR_EXAMPLE}`,
  load: (path) => readPromptPairs(path),
});

export const PAIRS_DATA = {
  kind: promptPairsKind,
  required: true,
  description: 'JSON Lines, one {"clean", "corrupted", "answer", "wrong"} per line; clean and corrupted tokenize to the same length',
} as const satisfies AnalysisInputs['data'];

export async function pairsFromContext(ctx: AnalysisContext<unknown>, model: HookedTransformer): Promise<TokenizedPairs> {
  const file = ctx.inputs.data?.[0];
  if (!file) throw new MarrUsageError('patching needs prompt pairs: pass --data pairs.jsonl');
  return tokenizePairs(model, file.value as PromptPair[], file.path);
}
