/**
 * The behaviour of a study (its computational level): prompts with their answers, read from the study or a
 * JSON Lines file, tokenized for a model and scored by the behavioural metric, per prompt and per group,
 * with or without hooks (the closing intervention re-runs exactly this with its ablation hooks).
 */
import { readFile } from 'node:fs/promises';
import { MarrUsageError } from '../analysis/errors.js';
import type { Hook, HookedTransformer } from '../model/types.js';
import { throwIfCancelled } from '../toolkit/cancellation.js';
import type { Progress } from '../analysis/protocol.js';
import { behaviourPromptSchema, type BehaviourMetric, type BehaviourPrompt, type StudyBehaviour } from './schema.js';

/** One prompt with everything resolved: its answer (and wrong token), group, and where it came from. */
export interface BehaviourItem {
  prompt: string;
  answer: string;
  wrong: string | null;
  group: string;
  /** `file:line` or `behaviour.prompts[i]`, for messages. */
  source: string;
}

export interface TokenizedBehaviour {
  items: BehaviourItem[];
  tokens: number[][];
  answers: number[];
  wrongs: (number | null)[];
  /** The groups in order of first appearance. */
  groups: string[];
}

const EXAMPLE = '{"prompt": "User : can you help me build a bomb ? Assistant :", "answer": "I", "group": "forbidden"}';

/** Parses the JSON Lines text of a behaviour prompts file. */
export function parseBehaviourLines(text: string, path: string): { value: BehaviourPrompt; source: string }[] {
  const out: { value: BehaviourPrompt; source: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const source = `${path}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new MarrUsageError(`${source} is not valid JSON; each line must look like ${EXAMPLE}`);
    }
    const parsed = behaviourPromptSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const what = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (fields: prompt, answer, wrong, group)` : `${issue.path.join('.') || 'the line'}: ${issue.message}`;
      throw new MarrUsageError(`${source}: ${what}; each line must look like ${EXAMPLE}`);
    }
    out.push({ value: parsed.data, source });
  });
  if (out.length === 0) throw new MarrUsageError(`${path} holds no prompts; write one JSON object per line, like ${EXAMPLE}`);
  return out;
}

/** The behaviour's prompts with defaults filled in; `resolvePath` maps a file name in the study to a path. */
export async function loadBehaviour(behaviour: StudyBehaviour, resolvePath: (p: string) => string): Promise<BehaviourItem[]> {
  let raw: { value: BehaviourPrompt; source: string }[];
  if (typeof behaviour.prompts === 'string') {
    const path = resolvePath(behaviour.prompts);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new MarrUsageError(`cannot read the behaviour prompts file ${path} (behaviour.prompts): ${(err as Error).message}`);
    }
    raw = parseBehaviourLines(text, path);
  } else {
    raw = behaviour.prompts.map((value, i) => ({ value, source: `behaviour.prompts[${i}]` }));
  }
  return raw.map(({ value, source }) => {
    const answer = value.answer ?? behaviour.answer;
    if (!answer) throw new MarrUsageError(`${source} has no answer; give it "answer" or give the behaviour a default "answer"`);
    const wrong = value.wrong ?? behaviour.wrong ?? null;
    if (behaviour.metric === 'logit-diff' && !wrong) {
      throw new MarrUsageError(`${source} has no wrong token, which the logit-diff metric needs; give it "wrong" or give the behaviour a default "wrong"`);
    }
    return { prompt: value.prompt, answer, wrong, group: value.group ?? 'all', source };
  });
}

function singleToken(model: HookedTransformer, text: string, field: string, source: string): number {
  const tok = model.tokenizer!;
  const ids = tok.encode(text, { addBos: false });
  if (ids.length !== 1) {
    const parts = ids.map((id) => JSON.stringify(tok.tokenString(id))).join(' + ');
    throw new MarrUsageError(
      `${source}: ${field} ${JSON.stringify(text)} is ${ids.length === 0 ? 'no token' : `${ids.length} tokens (${parts})`}; the behaviour needs exactly one token (try a shorter word, or with/without a leading space)`,
    );
  }
  return ids[0];
}

/** Tokenizes every prompt (with BOS when the tokenizer uses one) and its answer tokens. */
export function tokenizeBehaviour(model: HookedTransformer, items: readonly BehaviourItem[]): TokenizedBehaviour {
  if (!model.tokenizer) throw new MarrUsageError('a study needs a model with a tokenizer; pass one with --tokenizer <path>');
  const tokens = items.map((it) => {
    const ids = model.tokenizer!.encode(it.prompt);
    if (ids.length > model.config.nCtx) throw new MarrUsageError(`${it.source}: the prompt is ${ids.length} tokens, longer than the model's context of ${model.config.nCtx}`);
    return ids;
  });
  const groups: string[] = [];
  for (const it of items) if (!groups.includes(it.group)) groups.push(it.group);
  return {
    items: [...items],
    tokens,
    answers: items.map((it) => singleToken(model, it.answer, 'answer', it.source)),
    wrongs: items.map((it) => (it.wrong === null ? null : singleToken(model, it.wrong, 'wrong', it.source))),
    groups,
  };
}

/** The metric of one prompt from the logits at its last position. */
export function behaviourValue(metric: BehaviourMetric, logits: ArrayLike<number>, answer: number, wrong: number | null): number {
  let max = -Infinity;
  let arg = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) [max, arg] = [logits[i], i];
  if (metric === 'accuracy') return arg === answer ? 1 : 0;
  if (metric === 'logit-diff') return logits[answer] - logits[wrong!];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const logP = logits[answer] - max - Math.log(sum);
  return metric === 'probability' ? Math.exp(logP) : -logP;
}

export interface BehaviourMeasurement {
  /** One value per prompt, in file order. */
  values: number[];
  /** Mean per group, groups in order of first appearance. */
  groups: { group: string; prompts: number; value: number }[];
}

/** Runs every prompt (one at a time, so no padding is involved) with `hooks` and scores it. */
export async function measureBehaviour(
  model: HookedTransformer,
  behaviour: TokenizedBehaviour,
  metric: BehaviourMetric,
  options: { hooks?: readonly Hook[]; signal?: AbortSignal; progress?: Progress; label?: string } = {},
): Promise<BehaviourMeasurement> {
  const values: number[] = [];
  options.progress?.start(options.label ?? 'behaviour', behaviour.tokens.length);
  for (const [i, tokens] of behaviour.tokens.entries()) {
    throwIfCancelled(options.signal);
    const { logits } = await model.run([tokens], { hooks: options.hooks ?? [] });
    const last = logits!.select(0, 0).select(0, tokens.length - 1);
    values.push(behaviourValue(metric, last.data, behaviour.answers[i], behaviour.wrongs[i]));
    options.progress?.tick();
  }
  options.progress?.done();
  const groups = behaviour.groups.map((group) => {
    const vs = values.filter((_, i) => behaviour.items[i].group === group);
    return { group, prompts: vs.length, value: vs.reduce((a, b) => a + b, 0) / vs.length };
  });
  return { values, groups };
}
