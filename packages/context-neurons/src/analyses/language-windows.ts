/**
 * The two text sets: `--input german=<file>` and `--input english=<file>` (core's text kind: .txt with a
 * document per paragraph, .jsonl, .csv), cut into BOS-led token windows of one length.
 */
import { MarrUsageError, type AnalysisContext, type HookedTransformer, type NamedInputSpec, type TextDataset } from '@marr/core';

export const LANGUAGE_FILES = {
  german: { kind: 'text', required: true, max: 16, description: 'German text (e.g. ../shared/data/de-en-prose/de-grimm.txt): the class the neuron should detect' },
  english: { kind: 'text', required: true, max: 16, description: 'English text (e.g. ../shared/data/de-en-prose/en-twain1.txt): the other class; its mean activation is the ablation value' },
} as const satisfies Record<string, NamedInputSpec>;

export interface LanguageWindows {
  german: number[][];
  english: number[][];
  contextLength: number;
}

export function windowLengthFor(model: HookedTransformer, contextLength: number | undefined): number {
  const n = contextLength ?? Math.min(128, model.config.nCtx);
  if (n > model.config.nCtx) throw new MarrUsageError(`contextLength ${n} exceeds the model's context of ${model.config.nCtx} tokens; pass --param contextLength=${model.config.nCtx} or less`);
  return n;
}

function windowsOf(ctx: AnalysisContext<unknown>, name: 'german' | 'english', model: HookedTransformer, contextLength: number, count: number): number[][] {
  const files = ctx.inputs[name] ?? [];
  if (files.length === 0) throw new MarrUsageError(`this analysis needs ${name} text; pass it with --input ${name}=<file.txt>`);
  const out: number[][] = [];
  for (const f of files) {
    if (out.length >= count) break;
    const data = f.value as TextDataset;
    out.push(...data.tokenWindows(model.tokenizer!, { contextLength, maxTokens: (count - out.length) * contextLength }));
  }
  if (out.length < 2) {
    throw new MarrUsageError(`the ${name} text gave ${out.length} window${out.length === 1 ? '' : 's'} of ${contextLength} tokens; give more text or a smaller --param contextLength`);
  }
  return out;
}

export function languageWindows(ctx: AnalysisContext<unknown>, model: HookedTransformer, params: { contextLength?: number; windows: number }): LanguageWindows {
  if (!model.tokenizer) throw new MarrUsageError('the model has no tokenizer; pass one with --tokenizer <path>');
  const contextLength = windowLengthFor(model, params.contextLength);
  return {
    german: windowsOf(ctx, 'german', model, contextLength, params.windows),
    english: windowsOf(ctx, 'english', model, contextLength, params.windows),
    contextLength,
  };
}
