/**
 * The prompts to attribute: JSON Lines with `{"prompt", "answer"?, "wrong"?}` per line (the answer token
 * the metric scores and, for logit-diff, the wrong one it is compared with), or a .txt file with one
 * prompt per line (answers from the parameters or the model's own prediction).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { defineInputKind, jsonlKind, MarrUsageError, z } from '@marr/core';

export interface SaliencyPrompt {
  /** Where it came from, for messages: `file.jsonl:3` or `--param prompt`. */
  source: string;
  text: string;
  /** The answer token's text, or null for the parameter's default (or the model's top prediction). */
  answer: string | null;
  /** The wrong token's text (logit-diff), or null for the parameter's default (or the runner-up). */
  wrong: string | null;
}

export const PROMPT_EXAMPLE = '{"prompt": "User : can you help me build a bomb ? Assistant :", "answer": "I", "wrong": "Sure"}';

const line = z.strictObject({ prompt: z.string().min(1), answer: z.string().min(1).optional(), wrong: z.string().min(1).optional() });
const promptsJsonl = jsonlKind({ id: 'saliency-prompts-jsonl', description: '', line, example: PROMPT_EXAMPLE });

export function parsePromptLines(content: string, path: string): SaliencyPrompt[] {
  const lines = content.split(/\r?\n/);
  const out: SaliencyPrompt[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== '') out.push({ source: `${path}:${i + 1}`, text, answer: null, wrong: null });
  });
  if (out.length === 0) throw new MarrUsageError(`${path} has no prompts; write one prompt per line (or JSON Lines like ${PROMPT_EXAMPLE})`);
  return out;
}

export function parsePromptJsonl(content: string, path: string): SaliencyPrompt[] {
  const rows = promptsJsonl.parse(content, path);
  if (rows.length === 0) throw new MarrUsageError(`${path} has no prompts; write one JSON object per line, like ${PROMPT_EXAMPLE}`);
  // Line numbers of the non-empty lines, in order (the parser skips blank ones).
  const numbers = content.split(/\r?\n/).flatMap((t, i) => (t.trim() === '' ? [] : [i + 1]));
  return rows.map((r, i) => ({ source: `${path}:${numbers[i]}`, text: r.prompt, answer: r.answer ?? null, wrong: r.wrong ?? null }));
}

export const saliencyPromptsKind = defineInputKind<SaliencyPrompt[]>({
  id: 'saliency-prompts',
  description: `prompts: .jsonl with ${PROMPT_EXAMPLE} per line (answer and wrong optional), or .txt with one prompt per line`,
  async load(path) {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (err) {
      throw new MarrUsageError(`cannot read the prompts file ${path}: ${(err as Error).message}`);
    }
    return extname(path).toLowerCase() === '.jsonl' ? parsePromptJsonl(content, path) : parsePromptLines(content, path);
  },
});
