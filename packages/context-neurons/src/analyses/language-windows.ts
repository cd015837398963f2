/**
 * The two text sets, given either as `--input german=<file> --input english=<file>` (core's text kind:
 * .txt with a document per paragraph, .jsonl, .csv) or as one labelled JSONL file
 * `--input languages=<file.jsonl>` ({"text", "label"} lines; `germanLabel` and `englishLabel` name the
 * two labels), cut into BOS-led token windows of one length the TransformerLens way.
 */
import { MarrUsageError, tokenWindows, type AnalysisContext, type HookedTransformer, type LabelledText, type NamedInputSpec, type TextDataset } from '@marr/core';

export const LANGUAGE_FILES = {
  german: { kind: 'text', max: 16, description: 'German text (e.g. ../shared/data/de-en-prose/de-grimm.txt): the class the neuron should detect' },
  english: { kind: 'text', max: 16, description: 'English text (e.g. ../shared/data/de-en-prose/en-twain1.txt): the other class; its mean activation is the ablation value' },
  languages: { kind: 'labelled-jsonl', description: 'instead of german and english: one JSONL file of {"text", "label"} lines, labels named by germanLabel and englishLabel' },
} as const satisfies Record<string, NamedInputSpec>;

export interface LanguageWindows {
  german: number[][];
  english: number[][];
  contextLength: number;
}

export interface LanguageWindowParams {
  contextLength?: number;
  windows: number;
  germanLabel: string;
  englishLabel: string;
}

export function windowLengthFor(model: HookedTransformer, contextLength: number | undefined): number {
  const n = contextLength ?? Math.min(128, model.config.nCtx);
  if (n > model.config.nCtx) throw new MarrUsageError(`contextLength ${n} exceeds the model's context of ${model.config.nCtx} tokens; pass --param contextLength=${model.config.nCtx} or less`);
  return n;
}

function check(name: string, windows: number[][], contextLength: number): number[][] {
  if (windows.length < 2) {
    throw new MarrUsageError(`the ${name} text gave ${windows.length} window${windows.length === 1 ? '' : 's'} of ${contextLength} tokens; give more text or a smaller --param contextLength`);
  }
  return windows;
}

function fromTextFiles(ctx: AnalysisContext<unknown>, name: 'german' | 'english', model: HookedTransformer, contextLength: number, count: number): number[][] {
  const out: number[][] = [];
  for (const f of ctx.inputs[name] ?? []) {
    if (out.length >= count) break;
    const data = f.value as TextDataset;
    out.push(...data.tokenWindows(model.tokenizer!, { contextLength, maxTokens: (count - out.length) * contextLength }));
  }
  return check(name, out, contextLength);
}

export function languageWindows(ctx: AnalysisContext<unknown>, model: HookedTransformer, params: LanguageWindowParams): LanguageWindows {
  if (!model.tokenizer) throw new MarrUsageError('the model has no tokenizer; pass one with --tokenizer <path>');
  const contextLength = windowLengthFor(model, params.contextLength);
  const labelled = ctx.inputs.languages ?? [];
  const files = (ctx.inputs.german ?? []).length + (ctx.inputs.english ?? []).length;
  if (labelled.length > 0 && files > 0) throw new MarrUsageError('give the text one way: --input german=<file> --input english=<file>, or --input languages=<file.jsonl>');
  if (labelled.length > 0) {
    const rows = labelled[0].value as LabelledText[];
    const docs = (label: string) => rows.filter((r) => r.label !== undefined && String(r.label) === label).map((r) => r.text);
    const german = docs(params.germanLabel), english = docs(params.englishLabel);
    const labels = [...new Set(rows.map((r) => String(r.label)))].slice(0, 6).join(', ');
    for (const [name, list, label, flag] of [['German', german, params.germanLabel, 'germanLabel'], ['English', english, params.englishLabel, 'englishLabel']] as const) {
      if (list.length === 0) throw new MarrUsageError(`${labelled[0].path} has no line labelled "${label}" for ${name}; its labels are ${labels}: pass --param ${flag}=<label>`);
    }
    const cut = (list: string[]) => tokenWindows(list, model.tokenizer!, { contextLength, maxTokens: params.windows * contextLength });
    return { german: check('German', cut(german), contextLength), english: check('English', cut(english), contextLength), contextLength };
  }
  for (const name of ['german', 'english'] as const) {
    if ((ctx.inputs[name] ?? []).length === 0) throw new MarrUsageError(`this analysis needs ${name} text; pass --input ${name}=<file.txt> (or both languages in one file with --input languages=<file.jsonl>)`);
  }
  return {
    german: fromTextFiles(ctx, 'german', model, contextLength, params.windows),
    english: fromTextFiles(ctx, 'english', model, contextLength, params.windows),
    contextLength,
  };
}
