/** `marr logits`: the model's logits for a prompt or token ids, as JSON {"tokens": [...], "logits": [[...], ...]}. */
import { loadModel, nonFiniteOutputMessage } from '@marr/core';
import { UsageError } from '../errors.js';
import { resolveModelSpecs } from '../model-spec.js';

export interface LogitsCommandOptions {
  model: string;
  tokenizer?: string;
  prompt?: string;
  tokens?: string;
  top?: string;
  json?: boolean;
}

export function parseTokenList(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new UsageError(`--tokens must be comma-separated non-negative integers like 1,2,3, got "${raw}"`);
  }
  return parts.map(Number);
}

export async function logitsCommand(options: LogitsCommandOptions): Promise<void> {
  if ((options.prompt === undefined) === (options.tokens === undefined)) {
    throw new UsageError('marr logits needs exactly one of --prompt <text> or --tokens 1,2,3');
  }
  const given = options.tokens !== undefined ? parseTokenList(options.tokens) : null;
  const top = options.top === undefined ? null : Number(options.top);
  if (top !== null && (!Number.isInteger(top) || top < 1)) throw new UsageError(`--top must be a positive integer (the k most likely tokens per position), got "${options.top}"`);
  const [spec] = await resolveModelSpecs([options.model]);
  const model = await loadModel(spec, options.tokenizer ? { tokenizer: options.tokenizer } : {});
  try {
    let tokens: number[];
    if (given) {
      const bad = given.find((t) => t >= model.config.dVocab);
      if (bad !== undefined) throw new UsageError(`token ${bad} is outside the vocabulary (0..${model.config.dVocab - 1})`);
      tokens = given;
    } else {
      if (!model.tokenizer) throw new UsageError(`model "${options.model}" has no tokenizer; pass --tokenizer <path> or use --tokens`);
      tokens = model.tokenizer.encode(options.prompt!);
    }
    if (tokens.length === 0) throw new UsageError('no tokens to run');
    if (tokens.length > model.config.nCtx) {
      throw new UsageError(`${tokens.length} tokens exceed the model's context of ${model.config.nCtx}`);
    }
    const { logits } = await model.run([tokens]);
    if (!logits) throw new Error('the model returned no logits');
    // NaN and infinities would print as null: say what happened instead.
    const broken = nonFiniteOutputMessage('logits', logits.data, [tokens.length, logits.shape[2]]);
    if (broken) throw new Error(`model "${options.model}": ${broken}`);
    const vocab = logits.shape[2];
    const rows: number[][] = [];
    for (let i = 0; i < tokens.length; i++) rows.push(Array.from(logits.data.subarray(i * vocab, (i + 1) * vocab)));
    if (top === null) {
      process.stdout.write(JSON.stringify({ tokens, logits: rows }) + '\n');
      return;
    }
    // The k largest logits per position (ties: lower id first), with the token strings when there is a tokenizer.
    const k = Math.min(top, vocab);
    const topRows = rows.map((row) =>
      row
        .map((logit, id) => ({ id, logit }))
        .sort((a, b) => b.logit - a.logit || a.id - b.id)
        .slice(0, k)
        .map((e) => (model.tokenizer ? { ...e, token: model.tokenizer.tokenString(e.id) } : e)),
    );
    process.stdout.write(JSON.stringify({ tokens, top: topRows }) + '\n');
  } finally {
    await model.dispose();
  }
}
