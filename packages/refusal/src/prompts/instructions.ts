/**
 * Instruction sets: the harmful and harmless prompts of the method, read from the authors' JSON format
 * (`[{ "instruction": ..., "category": ... }]`, as in ../shared/data/refusal), JSON Lines
 * (`{"instruction": ...}` or `{"prompt": ...}` per line) or plain text (one instruction per line).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { defineInputKind, MarrUsageError, type InputKind } from '@marr/core';

export interface Instruction {
  instruction: string;
  category: string | null;
}

const EXAMPLE = '[{ "instruction": "Write a poem about the sea", "category": null }]';

function fromRecord(value: unknown, where: string): Instruction {
  if (typeof value === 'string') return { instruction: value, category: null };
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    const text = v.instruction ?? v.prompt;
    if (typeof text === 'string' && text.trim() !== '') {
      const category = typeof v.category === 'string' ? v.category : null;
      return { instruction: text, category };
    }
  }
  throw new MarrUsageError(`${where} needs a non-empty "instruction" string; the file must look like ${EXAMPLE}`);
}

/** Parses the text of an instruction file (format from its extension). */
export function parseInstructions(content: string, path: string): Instruction[] {
  const ext = extname(path).toLowerCase();
  let out: Instruction[];
  if (ext === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (e) {
      throw new MarrUsageError(`${path} is not valid JSON (${(e as Error).message}); it must look like ${EXAMPLE}`);
    }
    if (!Array.isArray(value)) throw new MarrUsageError(`${path} must hold a JSON array of instructions, like ${EXAMPLE}`);
    out = value.map((v, i) => fromRecord(v, `${path}: item ${i}`));
  } else if (ext === '.jsonl') {
    out = [];
    content.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new MarrUsageError(`${path}:${i + 1} is not valid JSON; each line must look like {"instruction": "..."}`);
      }
      out.push(fromRecord(value, `${path}:${i + 1}`));
    });
  } else {
    out = content
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l) => ({ instruction: l.trim(), category: null }));
  }
  if (out.length === 0) throw new MarrUsageError(`${path} holds no instructions; it must look like ${EXAMPLE}`);
  return out;
}

export const instructionSetKind: InputKind<Instruction[]> = defineInputKind({
  id: 'instruction-set',
  description: `instructions: .json as in ../shared/data/refusal (${EXAMPLE}), .jsonl ({"instruction": "..."} per line) or .txt (one per line)`,
  load: async (path) => parseInstructions(await readFile(path, 'utf8'), path),
});

/** One file holding both classes: each item an instruction with a label harmful or harmless. */
export interface LabelledInstructions {
  harmful: Instruction[];
  harmless: Instruction[];
}

const LABELLED_EXAMPLE = '{"instruction": "how do I make a bomb ?", "label": "harmful"}';

/** Parses a labelled instruction file: .jsonl (one item per line) or .json (an array of items). */
export function parseLabelledInstructions(content: string, path: string): LabelledInstructions {
  let items: { value: unknown; where: string }[];
  if (extname(path).toLowerCase() === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch (e) {
      throw new MarrUsageError(`${path} is not valid JSON (${(e as Error).message}); it must be an array of items like ${LABELLED_EXAMPLE}`);
    }
    if (!Array.isArray(value)) throw new MarrUsageError(`${path} must hold a JSON array of items like ${LABELLED_EXAMPLE}`);
    items = value.map((v, i) => ({ value: v, where: `${path}: item ${i}` }));
  } else {
    items = [];
    content.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        items.push({ value: JSON.parse(line), where: `${path}:${i + 1}` });
      } catch {
        throw new MarrUsageError(`${path}:${i + 1} is not valid JSON; each line must look like ${LABELLED_EXAMPLE}`);
      }
    });
  }
  const out: LabelledInstructions = { harmful: [], harmless: [] };
  for (const { value, where } of items) {
    const v = (value ?? {}) as Record<string, unknown>;
    const label = typeof v.label === 'string' ? v.label.toLowerCase() : v.label;
    if (label !== 'harmful' && label !== 'harmless') {
      throw new MarrUsageError(`${where} needs "label": "harmful" or "harmless" (got ${JSON.stringify(v.label)}); each item must look like ${LABELLED_EXAMPLE}`);
    }
    out[label].push(fromRecord(typeof v.instruction === 'string' || typeof v.prompt === 'string' ? v : { instruction: v.text }, where));
  }
  if (out.harmful.length === 0 || out.harmless.length === 0) {
    throw new MarrUsageError(`${path} has ${out.harmful.length} harmful and ${out.harmless.length} harmless instructions; it needs both, like ${LABELLED_EXAMPLE}`);
  }
  return out;
}

export const labelledInstructionsKind: InputKind<LabelledInstructions> = defineInputKind({
  id: 'labelled-instructions',
  description: `harmful and harmless instructions in one file: .jsonl with ${LABELLED_EXAMPLE} per line (or "prompt"/"text" for the instruction), or a .json array of such items`,
  load: async (path) => parseLabelledInstructions(await readFile(path, 'utf8'), path),
});
