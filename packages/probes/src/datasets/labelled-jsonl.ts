/**
 * Labelled text in JSON Lines: one object per line, either context-level
 *   { "text": "...", "label": "de" }
 * or token-level, with one label per token of the text as the model's tokenizer encodes it (BOS not
 * counted; null for tokens to skip)
 *   { "text": "...", "tokenLabels": [0, 0, 1, null, ...] }
 */
import { readFile } from 'node:fs/promises';
import type { RawLabel } from './labels.js';

export interface LabelledText {
  text: string;
  label?: RawLabel;
  tokenLabels?: (RawLabel | null)[];
}

const isRaw = (v: unknown): v is RawLabel => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

export function parseLabelledJsonl(content: string, source = 'labelled data'): LabelledText[] {
  const out: LabelledText[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${source}:${i + 1} is not valid JSON; each line must be an object like {"text": "...", "label": "..."}`);
    }
    const obj = value as Record<string, unknown>;
    if (!obj || typeof obj !== 'object' || typeof obj.text !== 'string') {
      throw new Error(`${source}:${i + 1}: expected an object with a string "text" field`);
    }
    if (isRaw(obj.label)) out.push({ text: obj.text, label: obj.label });
    else if (Array.isArray(obj.tokenLabels) && obj.tokenLabels.every((v) => v === null || isRaw(v))) {
      out.push({ text: obj.text, tokenLabels: obj.tokenLabels as (RawLabel | null)[] });
    } else {
      throw new Error(`${source}:${i + 1}: needs a "label" (string, number or boolean) or a "tokenLabels" array`);
    }
  });
  if (out.length === 0) throw new Error(`${source} has no examples`);
  const kinds = new Set(out.map((e) => (e.label !== undefined ? 'context' : 'token')));
  if (kinds.size > 1) throw new Error(`${source} mixes "label" and "tokenLabels" lines; use one kind per file`);
  return out;
}

export async function readLabelledJsonl(path: string): Promise<LabelledText[]> {
  return parseLabelledJsonl(await readFile(path, 'utf8'), path);
}
