/**
 * The prompt-pairs file as the analyses receive it: the named input `pairs` (`--input pairs=pairs.jsonl`),
 * read by the plugin's own input kind (per-line errors, hashed into report.inputs.files).
 *
 * The issue asks for `--data pairs.jsonl`; the protocol's `--data` takes only core's text, table and
 * time-series kinds, so until it accepts a kind object the pairs come as a named input. Switching is
 * this file only: declare `data: { kind: promptPairsKind, ... }` and read the loaded value from ctx.data.
 */
import { defineInputKind, MarrUsageError, type AnalysisContext, type HookedTransformer, type NamedInputSpec } from '@marr/core';
import { PAIR_EXAMPLE, readPromptPairs, tokenizePairs, type PromptPair, type TokenizedPairs } from '../pairs/prompt-pairs.js';

export const promptPairsKind = defineInputKind<PromptPair[]>({
  id: 'prompt-pairs',
  description: `JSON Lines, one pair per line: ${PAIR_EXAMPLE}`,
  load: (path) => readPromptPairs(path),
});

export const PAIRS_FILES = {
  pairs: {
    kind: promptPairsKind,
    required: true,
    description: 'JSON Lines, one {"clean", "corrupted", "answer", "wrong"} per line; clean and corrupted tokenize to the same length (--input pairs=pairs.jsonl)',
  },
} as const satisfies Record<string, NamedInputSpec>;

export async function pairsFromContext(ctx: AnalysisContext<unknown>, model: HookedTransformer): Promise<TokenizedPairs> {
  const file = ctx.inputs.pairs?.[0];
  if (!file) throw new MarrUsageError('patching needs prompt pairs: pass --input pairs=pairs.jsonl');
  return tokenizePairs(model, file.value as PromptPair[], file.path);
}
