/** `marr generate`: the prompt plus its continuation on stdout, nothing else. */
import { loadModel, nonFiniteOutputMessage } from '@marr/core';
import { UsageError } from '../errors.js';
import { resolveModelSpecs } from '../model-spec.js';
import { parseSeed } from './run.js';

export interface GenerateCommandOptions {
  model: string;
  tokenizer?: string;
  prompt: string;
  maxTokens?: string;
  temperature?: string;
  topK?: string;
  seed?: string;
}

function parseNumber(name: string, raw: string | undefined, fallback: number, check: (n: number) => boolean, rule: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`${name} must be ${rule}, got "${raw}"`);
  return n;
}

export async function generateCommand(options: GenerateCommandOptions): Promise<void> {
  const maxNewTokens = parseNumber('--max-tokens', options.maxTokens, 64, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
  const temperature = parseNumber('--temperature', options.temperature, 0, (n) => n >= 0, 'a number >= 0');
  const topK = options.topK === undefined ? undefined : parseNumber('--top-k', options.topK, 0, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
  const seed = parseSeed(options.seed);
  const [spec] = await resolveModelSpecs([options.model]);
  const model = await loadModel(spec, options.tokenizer ? { tokenizer: options.tokenizer } : {});
  try {
    if (!model.tokenizer) throw new UsageError(`model "${options.model}" has no tokenizer; pass one with --tokenizer <path>`);
    // Non-finite logits would sample garbage silently: check the prompt's forward pass first.
    const { logits } = await model.run([model.tokenizer.encode(options.prompt)]);
    const broken = logits ? nonFiniteOutputMessage('logits', logits.data) : null;
    if (broken) throw new Error(`model "${options.model}": ${broken}`);
    const result = await model.generate(options.prompt, { maxNewTokens, temperature, topK, seed });
    process.stdout.write(result.text + '\n');
  } finally {
    await model.dispose();
  }
}
