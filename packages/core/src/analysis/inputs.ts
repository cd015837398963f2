/**
 * Checking that a run can satisfy what an analysis declares in `inputs`, before any work is done:
 * first the counts (models, data) from the command line, then, once models are loaded, the hook
 * points and capabilities each model must offer.
 */
import type { HookedTransformer } from '../model/types.js';
import { MarrUsageError } from './errors.js';
import type { AnalysisInputs, AnyAnalysis } from './protocol.js';

/** A readable list of what an analysis needs, e.g. `1 model (with a tokenizer), a text dataset (--data)`. */
export function describeInputs(inputs: AnalysisInputs): string {
  const parts: string[] = [];
  const m = inputs.models;
  if (m && (m.min > 0 || (m.max ?? 0) > 0)) {
    const count = m.max === undefined ? `${m.min} or more models` : m.min === m.max ? `${m.min} model${m.min === 1 ? '' : 's'}` : `${m.min} to ${m.max} models`;
    const extras = [...(inputs.capabilities ?? []).map((c) => `a ${c}`), ...(inputs.hookPoints ?? []).map((h) => `hook point ${h}`)];
    parts.push(`${count} (--model)${extras.length ? ` with ${extras.join(', ')}` : ''}`);
  }
  if (inputs.data) {
    parts.push(`${inputs.data.required ? 'a' : 'optionally a'} ${dataKindId(inputs)} dataset (--data): ${inputs.data.description}`);
  }
  const files = Object.entries(inputs.files ?? {});
  if (files.length > 0) {
    parts.push(`named files (--input): ${files.map(([name, spec]) => `${name}${spec.required ? '' : ' (optional)'}`).join(', ')}`);
  }
  return parts.length ? parts.join('; ') : 'no inputs';
}

/** The id of the main dataset's kind (a core kind's name, or a kind object's id). */
export function dataKindId(inputs: AnalysisInputs): string | null {
  const kind = inputs.data?.kind;
  return kind === undefined ? null : typeof kind === 'string' ? kind : kind.id;
}

/** Throws MarrUsageError when the number of models or the presence of data does not fit the analysis. */
export function checkInputCounts(analysis: AnyAnalysis, given: { modelCount: number; hasData: boolean }): void {
  const inputs = analysis.inputs;
  const min = inputs.models?.min ?? 0;
  const max = inputs.models?.max ?? (inputs.models ? Infinity : 0);
  const needs = `${analysis.id} needs ${describeInputs(inputs)}`;
  if (given.modelCount < min) {
    throw new MarrUsageError(`${needs}, but ${given.modelCount === 0 ? 'no --model was' : `only ${given.modelCount} --model were`} given.`);
  }
  if (given.modelCount > max) {
    throw new MarrUsageError(`${needs}, but ${given.modelCount} --model were given; remove the extra ones.`);
  }
  if (inputs.data?.required && !given.hasData) {
    throw new MarrUsageError(`${needs}, but no --data was given.`);
  }
  if (!inputs.data && given.hasData) {
    throw new MarrUsageError(`${analysis.id} reads no dataset; remove --data.`);
  }
}

/** A hook point pattern as a regular expression; `*` matches exactly one dot-separated segment. */
export function hookPatternToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^.]+');
  return new RegExp(`^${escaped}$`);
}

/** Throws MarrUsageError naming each model that lacks a required hook point or capability. */
export function checkModelCapabilities(analysis: AnyAnalysis, models: readonly HookedTransformer[]): void {
  const problems: string[] = [];
  models.forEach((model, i) => {
    const label = `model ${i + 1} (${model.source.spec})`;
    for (const cap of analysis.inputs.capabilities ?? []) {
      if (cap === 'tokenizer' && !model.tokenizer) {
        problems.push(`${label} has no tokenizer; pass one with --tokenizer <path>`);
      }
    }
    const patterns = analysis.inputs.hookPoints ?? [];
    if (patterns.length > 0) {
      const names = model.hookPoints();
      for (const pattern of patterns) {
        const re = hookPatternToRegExp(pattern);
        if (!names.some((n) => re.test(n))) problems.push(`${label} has no hook point matching "${pattern}"`);
      }
    }
  });
  if (problems.length > 0) {
    throw new MarrUsageError(`${analysis.id} cannot run on the given models:\n  - ${problems.join('\n  - ')}`);
  }
}
