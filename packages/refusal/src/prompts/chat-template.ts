/**
 * The model's own chat template: `chat_template` in the tokenizer_config.json beside the model, rendered
 * with Hugging Face's Jinja implementation (the one transformers.js uses for apply_chat_template) for one
 * user message whose content is `{instruction}`, with the generation prompt, so the result is a template
 * string for `applyTemplate`. A leading BOS string is dropped (the tokenizer adds BOS itself).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { MarrUsageError, type HookedTransformer } from '@marr/core';
import { INSTRUCTION_SLOT } from './template.js';

type ChatTemplateField = string | { name: string; template: string }[];

function tokenText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** The folder's tokenizer_config.json, when the model was loaded from a folder that has one. */
function tokenizerConfigPath(model: HookedTransformer): string | null {
  const listed = model.source.files.find((f) => basename(f.path) === 'tokenizer_config.json');
  if (listed) return listed.path;
  const config = model.source.files.find((f) => basename(f.path) === 'config.json');
  const beside = config ? join(dirname(config.path), 'tokenizer_config.json') : null;
  return beside && existsSync(beside) ? beside : null;
}

/** Renders a chat template string for one user turn; exported for tests. */
export function renderChatTemplate(source: string, config: Record<string, unknown>, where: string): string {
  let rendered: string;
  try {
    rendered = new Template(source).render({
      messages: [{ role: 'user', content: INSTRUCTION_SLOT }],
      add_generation_prompt: true,
      bos_token: tokenText(config.bos_token) ?? '',
      eos_token: tokenText(config.eos_token) ?? '',
    });
  } catch (e) {
    throw new MarrUsageError(`the chat_template in ${where} could not be rendered (${(e as Error).message}); pass --param template="... {instruction} ..." instead`);
  }
  const bos = tokenText(config.bos_token);
  if (bos && rendered.startsWith(bos)) rendered = rendered.slice(bos.length);
  if (rendered.split(INSTRUCTION_SLOT).length !== 2) {
    throw new MarrUsageError(`the chat_template in ${where} does not put the user message in the prompt once; pass --param template="... {instruction} ..." instead`);
  }
  return rendered;
}

/** The model's chat template as a `{instruction}` template string, or null when it has none. */
export function modelChatTemplate(model: HookedTransformer): { template: string; from: string } | null {
  const path = tokenizerConfigPath(model);
  if (!path) return null;
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const field = config.chat_template as ChatTemplateField | undefined;
  const source = typeof field === 'string' ? field : Array.isArray(field) ? (field.find((t) => t.name === 'default') ?? field[0])?.template : undefined;
  if (!source) return null;
  return { template: renderChatTemplate(source, config, path), from: path };
}
