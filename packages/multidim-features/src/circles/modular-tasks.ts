/**
 * The modular tasks of the circle analyses: days of the week (p = 7) and months of the year (p = 12), as
 * prompts "b units from a is" whose answer is c = (a + b) mod p. Two templates:
 * - 'authors' (intervention/days_of_week_task.py, months_of_year_task.py): "Let's do some days of the week
 *   math. Two days from Monday is" with b = 1..7, and "Let's do some calendar math. Two months from May is"
 *   with b = 1..12;
 * - 'calendar' (the shipped zoo models' corpus): "two days after Monday is", "one month after May is",
 *   with b = 1..p − 1 (the counts the corpus states).
 * 'auto' picks the authors' template unless the model's tokenizer turns some of its words into an unknown
 * token, then the calendar template.
 */
import { MarrUsageError, type HookedTransformer } from '@marr/core';

export const CIRCLE_TASKS = ['days', 'months'] as const;
export type CircleTaskName = (typeof CIRCLE_TASKS)[number];
export const PROMPT_TEMPLATES = ['auto', 'authors', 'calendar'] as const;
export type PromptTemplate = (typeof PROMPT_TEMPLATES)[number];

export const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const NUMBER_WORDS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
const AUTHOR_NUMBERS = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve'];

export interface ModularProblem {
  /** The start (the day or month named in the prompt), 0-based. */
  a: number;
  /** The count. */
  b: number;
  /** The answer (a + b) mod p. */
  c: number;
  prompt: string;
  tokens: number[];
  /** Position of the start's name token in `tokens`. */
  namePosition: number;
}

export interface ModularTask {
  name: CircleTaskName;
  template: Exclude<PromptTemplate, 'auto'>;
  /** The period p. */
  period: number;
  /** The p names, in order. */
  names: readonly string[];
  /** The token each name's answer starts with (what the logits are read at). */
  answerTokens: number[];
  problems: ModularProblem[];
}

export function taskNames(task: CircleTaskName): readonly string[] {
  return task === 'days' ? DAY_NAMES : MONTH_NAMES;
}

export function modularPrompt(task: CircleTaskName, template: Exclude<PromptTemplate, 'auto'>, a: number, b: number): string {
  const names = taskNames(task);
  if (template === 'authors') {
    return task === 'days'
      ? `Let's do some days of the week math. ${AUTHOR_NUMBERS[b]} ${b === 1 ? 'day' : 'days'} from ${names[a]} is`
      : `Let's do some calendar math. ${AUTHOR_NUMBERS[b]} months from ${names[a]} is`;
  }
  const unit = task === 'days' ? (b === 1 ? 'day' : 'days') : b === 1 ? 'month' : 'months';
  return `${NUMBER_WORDS[b - 1]} ${unit} after ${names[a]} is`;
}

export function countsOf(task: CircleTaskName, template: Exclude<PromptTemplate, 'auto'>): number[] {
  const p = taskNames(task).length;
  const last = template === 'authors' ? p : p - 1;
  return Array.from({ length: last }, (_, i) => i + 1);
}

const UNKNOWN = /^(<unk>|\[UNK\]|<\|unk\|>|<UNK>)$/;

function hasUnknown(model: HookedTransformer, text: string): boolean {
  const tok = model.tokenizer!;
  return tok.encode(text).some((id) => UNKNOWN.test(tok.tokenString(id)));
}

/** The template 'auto' resolves to for this model (see the module comment). */
export function resolveTemplate(model: HookedTransformer, task: CircleTaskName, template: PromptTemplate): Exclude<PromptTemplate, 'auto'> {
  const names = taskNames(task);
  const full = (t: Exclude<PromptTemplate, 'auto'>) => `${modularPrompt(task, t, names.length - 1, 2)} ${names[0]}`;
  if (template !== 'auto') {
    if (hasUnknown(model, full(template))) {
      throw new MarrUsageError(`the model's tokenizer turns words of the ${template} template ("${full(template)}") into unknown tokens; use --param template=${template === 'authors' ? 'calendar' : 'authors'} or template=auto`);
    }
    return template;
  }
  if (!hasUnknown(model, full('authors'))) return 'authors';
  if (!hasUnknown(model, full('calendar'))) return 'calendar';
  throw new MarrUsageError(`the model's tokenizer has no tokens for the ${task} prompts (both "${full('authors')}" and "${full('calendar')}" contain unknown tokens); this model cannot be asked the ${task} task`);
}

/**
 * Every problem of the task, tokenized, with the position of the start's name (its last token) and the
 * answer tokens. `needAnswers` (default true): refuse tokenizers whose answers share their first token
 * (the intervention's metric needs them apart; the probe does not).
 */
export function buildModularTask(model: HookedTransformer, task: CircleTaskName, template: PromptTemplate, options: { needAnswers?: boolean } = {}): ModularTask {
  const tok = model.tokenizer;
  if (!tok) throw new MarrUsageError('the circle analyses need a model with a tokenizer');
  const resolved = resolveTemplate(model, task, template);
  const names = taskNames(task);
  const p = names.length;
  // The answer token of each name: the first token its word adds after a prompt.
  const probe = modularPrompt(task, resolved, 0, 1);
  const base = tok.encode(probe);
  const answerTokens = names.map((n) => {
    const ids = tok.encode(`${probe} ${n}`);
    if (ids.length <= base.length || ids.slice(0, base.length).some((id, i) => id !== base[i])) {
      throw new MarrUsageError(`the tokenizer does not extend "${probe}" by a token for "${n}"; the circle analyses need prompts whose answer starts with its own token`);
    }
    return ids[base.length];
  });
  const clash = answerTokens.findIndex((t, i) => answerTokens.indexOf(t) !== i);
  if (clash >= 0 && (options.needAnswers ?? true)) {
    const other = answerTokens.indexOf(answerTokens[clash]);
    throw new MarrUsageError(`"${names[other]}" and "${names[clash]}" start with the same token (${JSON.stringify(tok.tokenString(answerTokens[clash]))}) for this tokenizer, so the ${task} answers cannot be told apart by their first token; the circle analyses need a model whose vocabulary has the ${task} names as (distinct-first-token) words`);
  }
  const problems: ModularProblem[] = [];
  for (let a = 0; a < p; a++) {
    for (const b of countsOf(task, resolved)) {
      const prompt = modularPrompt(task, resolved, a, b);
      const tokens = tok.encode(prompt);
      const upToName = prompt.slice(0, prompt.lastIndexOf(names[a]) + names[a].length);
      const namePosition = tok.encode(upToName).length - 1;
      if (namePosition < 0 || namePosition >= tokens.length) throw new MarrUsageError(`cannot find the token of "${names[a]}" in "${prompt}"`);
      problems.push({ a, b, c: (a + b) % p, prompt, tokens, namePosition });
    }
  }
  return { name: task, template: resolved, period: p, names, answerTokens, problems };
}
