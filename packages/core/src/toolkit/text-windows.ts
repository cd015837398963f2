/**
 * Token windows for an analysis run: the run's text dataset cut by `tokenWindows` (BOS + text,
 * `contextLength` tokens each, at most `maxTokens` in total), with errors that say how to fix the input.
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { AnalysisContext } from '../analysis/protocol.js';
import type { HookedTransformer } from '../model/types.js';

export interface TextWindowParams {
  contextLength: number;
  maxTokens: number;
}

export function textWindows(ctx: Pick<AnalysisContext<unknown>, 'data'>, model: HookedTransformer, params: TextWindowParams): number[][] {
  const data = ctx.data;
  if (!data) throw new MarrUsageError('this analysis needs a text dataset; pass one with --data <file.txt|.jsonl|.csv>');
  if (data.kind !== 'text') throw new MarrUsageError(`this analysis needs a text dataset, but ${data.path} was read as ${data.kind}; pass a .txt, .jsonl or .csv with a text column`);
  if (!model.tokenizer) throw new MarrUsageError('the model has no tokenizer; pass one with --tokenizer <path>');
  if (params.contextLength > model.config.nCtx) {
    throw new MarrUsageError(`contextLength ${params.contextLength} exceeds the model's context of ${model.config.nCtx} tokens; pass --param contextLength=${model.config.nCtx} or less`);
  }
  const windows = data.tokenWindows(model.tokenizer, { contextLength: params.contextLength, maxTokens: params.maxTokens });
  if (windows.length === 0) {
    throw new MarrUsageError(
      `${data.path} gave no full window of ${params.contextLength} tokens; lower --param contextLength or give more text (maxTokens is ${params.maxTokens})`,
    );
  }
  return windows;
}
