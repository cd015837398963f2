/**
 * The tokens each prompt's metric scores: the answer (and, for logit-diff, the wrong token), from the
 * prompt's line, else from the parameters, else the model's own top prediction (and its runner-up).
 */
import { MarrUsageError, type HookedTransformer } from '@marr/core';
import type { SaliencyPrompt } from '../prompts/saliency-prompts.js';
import { singleTokenId } from './single-token.js';

export interface PromptTargets {
  tokens: number[][];
  answers: number[];
  wrongs: number[];
  /** Per prompt: whether the answer (wrong) token is the model's own prediction rather than given. */
  predicted: { answer: boolean; wrong: boolean }[];
}

/** The top two next-token predictions at the last position of `tokens`. */
async function topTwo(model: HookedTransformer, tokens: readonly number[]): Promise<[number, number]> {
  const { logits } = await model.run([tokens]);
  const V = model.config.dVocab;
  const last = logits!.data.subarray((tokens.length - 1) * V, tokens.length * V);
  let a = 0, b = -1;
  for (let j = 1; j < V; j++) {
    if (last[j] > last[a]) {
      b = a;
      a = j;
    } else if (b < 0 || last[j] > last[b]) b = j;
  }
  return [a, b];
}

export async function resolveTargets(
  model: HookedTransformer,
  prompts: readonly SaliencyPrompt[],
  defaults: { answer: string; wrong: string },
  needsWrong: boolean,
): Promise<PromptTargets> {
  const out: PromptTargets = { tokens: [], answers: [], wrongs: [], predicted: [] };
  for (const p of prompts) {
    const tokens = model.tokenizer!.encode(p.text);
    if (tokens.length === 0) throw new MarrUsageError(`${p.source}: the prompt tokenizes to nothing; give some text`);
    if (tokens.length > model.config.nCtx) {
      throw new MarrUsageError(`${p.source}: the prompt is ${tokens.length} tokens but the model's context is ${model.config.nCtx}; shorten it`);
    }
    const answerText = p.answer ?? (defaults.answer || null);
    const wrongText = p.wrong ?? (defaults.wrong || null);
    const needTop = answerText === null || (needsWrong && wrongText === null);
    const [top, second] = needTop ? await topTwo(model, tokens) : [-1, -1];
    const answer = answerText === null ? top : singleTokenId(model, answerText, p.source, 'answer');
    let wrong = -1;
    if (needsWrong) {
      wrong = wrongText === null ? (answer === top ? second : top) : singleTokenId(model, wrongText, p.source, 'wrong token');
      if (wrong === answer) {
        throw new MarrUsageError(`${p.source}: the answer and the wrong token are both ${JSON.stringify(model.tokenizer!.tokenString(answer))}, so logit-diff is 0 everywhere; give a different wrong token`);
      }
    }
    out.tokens.push(tokens);
    out.answers.push(answer);
    out.wrongs.push(wrong);
    out.predicted.push({ answer: answerText === null, wrong: needsWrong && wrongText === null });
  }
  return out;
}
