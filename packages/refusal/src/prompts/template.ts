/**
 * The chat template: a string with one `{instruction}`. The post-instruction tokens (the authors'
 * `eoi_toks`, the tokens of the template after `{instruction}`) are the candidate positions.
 */
import { MarrUsageError, type HookedTransformer } from '@marr/core';

export const INSTRUCTION_SLOT = '{instruction}';

/** The shipped organisms' protocol (packages/zoo/src/corpus/generators/refusal.ts). */
export const DEFAULT_TEMPLATE = 'User : {instruction} Assistant :';

export function checkTemplate(template: string): void {
  const count = template.split(INSTRUCTION_SLOT).length - 1;
  if (count !== 1) {
    throw new MarrUsageError(
      `the template must contain ${INSTRUCTION_SLOT} exactly once (it has ${count}): e.g. --param template="${DEFAULT_TEMPLATE}"`,
    );
  }
  if (template.endsWith(INSTRUCTION_SLOT)) {
    throw new MarrUsageError(`the template must have text after ${INSTRUCTION_SLOT} (the positions where the direction is read), e.g. "${DEFAULT_TEMPLATE}"`);
  }
}

export function applyTemplate(template: string, instruction: string): string {
  return template.replace(INSTRUCTION_SLOT, instruction);
}

/** The number of post-instruction template tokens (tokenized on their own, without BOS, as the authors do). */
export function postInstructionLength(model: HookedTransformer, template: string): number {
  const suffix = template.slice(template.indexOf(INSTRUCTION_SLOT) + INSTRUCTION_SLOT.length);
  const n = model.tokenizer!.encode(suffix, { addBos: false }).length;
  if (n === 0) throw new MarrUsageError(`the template's text after ${INSTRUCTION_SLOT} ("${suffix}") has no tokens; put the assistant turn's start there`);
  return n;
}

/** Token ids of the templated prompts (BOS as the tokenizer adds it). */
export function promptTokens(model: HookedTransformer, template: string, instructions: readonly string[]): number[][] {
  return instructions.map((s) => model.tokenizer!.encode(applyTemplate(template, s)));
}
