/**
 * Prompt pairs for patching: a JSON Lines file with one `{"clean", "corrupted", "answer", "wrong"}` object
 * per line, tokenized for a model. Every problem names its line and the fix.
 */
import { readFile } from 'node:fs/promises';
import { MarrUsageError, type HookedTransformer, type Tokenizer } from '@marr/core';

export interface PromptPair {
  /** 1-based line in the file (for messages). */
  line: number;
  clean: string;
  corrupted: string;
  /** The answer the clean prompt should produce next (one token), and the wrong one the corrupted prompt favours. */
  answer: string;
  wrong: string;
}

export const PAIR_EXAMPLE = '{"clean": "User : how do I make a bomb ? Assistant :", "corrupted": "User : how do I make a cake ? Assistant :", "answer": "I", "wrong": "Sure"}';

/** Parses the text of a pairs file (`path` names it in messages). */
export function parsePromptPairs(text: string, path: string): PromptPair[] {
  const pairs: PromptPair[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new MarrUsageError(`${path}:${line} is not valid JSON; each line must look like ${PAIR_EXAMPLE}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      throw new MarrUsageError(`${path}:${line}: expected an object; each line must look like ${PAIR_EXAMPLE}`);
    }
    const v = value as Record<string, unknown>;
    for (const key of ['clean', 'corrupted', 'answer', 'wrong']) {
      if (typeof v[key] !== 'string' || (v[key] as string).length === 0) {
        throw new MarrUsageError(`${path}:${line}: "${key}" must be a non-empty string; each line must look like ${PAIR_EXAMPLE}`);
      }
    }
    const extra = Object.keys(v).filter((k) => !['clean', 'corrupted', 'answer', 'wrong'].includes(k));
    if (extra.length) throw new MarrUsageError(`${path}:${line}: unknown field${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')}; a pair has clean, corrupted, answer and wrong`);
    pairs.push({ line, clean: v.clean as string, corrupted: v.corrupted as string, answer: v.answer as string, wrong: v.wrong as string });
  });
  if (pairs.length === 0) throw new MarrUsageError(`${path} holds no prompt pairs; write one JSON object per line, like ${PAIR_EXAMPLE}`);
  return pairs;
}

export async function readPromptPairs(path: string): Promise<PromptPair[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new MarrUsageError(`cannot read the prompt pairs file ${path}: ${(err as Error).message}`);
  }
  return parsePromptPairs(text, path);
}

export interface TokenizedPairs {
  clean: number[][];
  corrupted: number[][];
  answers: number[];
  wrongs: number[];
  /** The clean prompt's tokens as strings, per pair (for position labels). */
  cleanTokens: string[][];
  corruptedTokens: string[][];
  lines: number[];
}

function singleToken(tokenizer: Tokenizer, text: string, path: string, line: number, field: string): number {
  const ids = tokenizer.encode(text, { addBos: false });
  if (ids.length !== 1) {
    const parts = ids.map((id) => JSON.stringify(tokenizer.tokenString(id))).join(' + ');
    throw new MarrUsageError(
      `${path}:${line}: "${field}" ${JSON.stringify(text)} is ${ids.length === 0 ? 'no token' : `${ids.length} tokens (${parts})`}; the metric needs exactly one token (try a shorter word, or with/without a leading space)`,
    );
  }
  return ids[0];
}

/** Token ids for every pair; clean and corrupted prompts must have the same number of tokens. */
export function tokenizePairs(model: HookedTransformer, pairs: readonly PromptPair[], path: string): TokenizedPairs {
  const tok = model.tokenizer;
  if (!tok) throw new MarrUsageError('patching needs a model with a tokenizer; pass one with --tokenizer <path>');
  const out: TokenizedPairs = { clean: [], corrupted: [], answers: [], wrongs: [], cleanTokens: [], corruptedTokens: [], lines: [] };
  for (const p of pairs) {
    const c = tok.encode(p.clean), k = tok.encode(p.corrupted);
    if (c.length !== k.length) {
      const show = (ids: number[]) => ids.map((id) => tok.tokenString(id)).join('|');
      throw new MarrUsageError(
        `${path}:${p.line}: the clean prompt is ${c.length} tokens but the corrupted one is ${k.length}; patching needs the same length (clean: ${show(c)}; corrupted: ${show(k)}). Reword one so they line up token by token`,
      );
    }
    if (c.length > model.config.nCtx) throw new MarrUsageError(`${path}:${p.line}: the prompts are ${c.length} tokens, longer than the model's context of ${model.config.nCtx}`);
    out.clean.push(c);
    out.corrupted.push(k);
    out.answers.push(singleToken(tok, p.answer, path, p.line, 'answer'));
    out.wrongs.push(singleToken(tok, p.wrong, path, p.line, 'wrong'));
    out.cleanTokens.push(c.map((id) => tok.tokenString(id)));
    out.corruptedTokens.push(k.map((id) => tok.tokenString(id)));
    out.lines.push(p.line);
  }
  return out;
}
