/**
 * Token windows for an analysis run: the run's text dataset cut by `tokenWindows` (BOS + text,
 * `contextLength` tokens each, at most `maxTokens` in total), with errors that say how to fix the input.
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { AnalysisContext } from '../analysis/protocol.js';
import type { HookedTransformer } from '../model/types.js';

export interface TextWindowParams {
  /** Tokens per window; when not given, `defaultContextLength` or the model's context, whichever is shorter. */
  contextLength?: number;
  maxTokens: number;
}

/** The window length a run uses: the one asked for, else the default capped at the model's context. */
export function windowLength(model: HookedTransformer, params: Pick<TextWindowParams, 'contextLength'>, defaultContextLength = 128): number {
  return params.contextLength ?? Math.min(defaultContextLength, model.config.nCtx);
}

export function textWindows(ctx: Pick<AnalysisContext<unknown>, 'data'>, model: HookedTransformer, params: TextWindowParams, defaultContextLength = 128): number[][] {
  const data = ctx.data;
  if (!data) throw new MarrUsageError('this analysis needs a text dataset; pass one with --data <file.txt|.jsonl|.csv>');
  if (data.kind !== 'text') throw new MarrUsageError(`this analysis needs a text dataset, but ${data.path} was read as ${data.kind}; pass a .txt, .jsonl or .csv with a text column`);
  if (!model.tokenizer) throw new MarrUsageError('the model has no tokenizer; pass one with --tokenizer <path>');
  const contextLength = windowLength(model, params, defaultContextLength);
  if (contextLength > model.config.nCtx) {
    throw new MarrUsageError(`contextLength ${contextLength} exceeds the model's context of ${model.config.nCtx} tokens; pass --param contextLength=${model.config.nCtx} or less`);
  }
  const windows = data.tokenWindows(model.tokenizer, { contextLength, maxTokens: params.maxTokens });
  if (windows.length === 0) {
    throw new MarrUsageError(
      `${data.path} gave no full window of ${contextLength} tokens; lower --param contextLength or give more text (maxTokens is ${params.maxTokens})`,
    );
  }
  return windows;
}
