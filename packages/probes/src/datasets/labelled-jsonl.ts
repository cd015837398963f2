/**
 * Labelled text in JSON Lines, read with core's `labelled-jsonl` input kind: one object per line, either
 * context-level
 *   { "text": "...", "label": "de" }
 * or token-level, with one label per token of the text as the model's tokenizer encodes it (BOS not
 * counted; null for tokens to skip)
 *   { "text": "...", "tokenLabels": [0, 0, 1, null, ...] }
 */
import { labelledJsonlKind, type LabelledText } from '@marr/core';

export type { LabelledText };

export function parseLabelledJsonl(content: string, source = 'labelled data'): LabelledText[] {
  return labelledJsonlKind.parse(content, source);
}

export async function readLabelledJsonl(path: string): Promise<LabelledText[]> {
  return labelledJsonlKind.load(path, { label: null });
}
