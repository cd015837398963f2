/**
 * Input kinds: what a named input of an analysis holds and how a file (or folder) of that kind is read.
 * Core ships text, table, timeseries, labelled-jsonl, prompt-set and model-folder; a plugin defines its
 * own with `defineInputKind` (any loader) or `jsonlKind` (one zod schema per line, one clear error per
 * bad line) and names the kind object in its analysis's `inputs.files`, so a new kind touches only the
 * plugin that needs it.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { z } from 'zod';
import { MarrUsageError } from '../analysis/errors.js';
import type { InputKind, TableDataset, TextDataset } from '../analysis/protocol.js';
import { loadTableDataset, loadTextDataset, loadTimeSeriesDataset } from './load.js';

export type { InputKind, InputLoadOptions } from '../analysis/protocol.js';

/** Checks and returns a kind; the loader runs once per file given for the input. */
export function defineInputKind<T>(kind: InputKind<T>): InputKind<T> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(kind.id)) {
    throw new Error(`defineInputKind: id "${kind.id}" must be kebab-case`);
  }
  if (typeof kind.load !== 'function') throw new Error(`defineInputKind(${kind.id}): load must be a function`);
  return kind;
}

/** The first problem zod found, as `field: message` (or the message alone for the whole value). */
function zodProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length > 0 ? `"${issue.path.join('.')}": ` : '';
  return `${where}${issue.message}`;
}

/** A kind read from JSON Lines, whose parser can also be used on a string. */
export interface JsonlKind<T> extends InputKind<T[]> {
  /** Parses JSON Lines text; errors name `source` and the line. */
  parse(content: string, source: string): T[];
}

/**
 * A JSON Lines kind: each non-empty line is parsed as JSON and checked against `line`; a bad line is a
 * usage error naming the file, the line number, the field and what `example` shows a line should be.
 */
export function jsonlKind<S extends z.ZodType>(options: {
  id: string;
  description: string;
  line: S;
  /** One valid line, quoted in errors. */
  example: string;
  /** A check over all lines (e.g. one kind of label per file); return a problem or null. */
  check?: (rows: z.output<S>[]) => string | null;
}): JsonlKind<z.output<S>> {
  const parse = (content: string, source: string): z.output<S>[] => {
    const rows: z.output<S>[] = [];
    content.split(/\r?\n/).forEach((text, i) => {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new MarrUsageError(`${source}:${i + 1} is not valid JSON; each line must look like ${options.example}`);
      }
      const parsed = options.line.safeParse(value);
      if (!parsed.success) {
        throw new MarrUsageError(`${source}:${i + 1}: ${zodProblem(parsed.error)}; each line must look like ${options.example}`);
      }
      rows.push(parsed.data);
    });
    if (rows.length === 0) throw new MarrUsageError(`${source} has no examples; each line must look like ${options.example}`);
    const problem = options.check?.(rows);
    if (problem) throw new MarrUsageError(`${source} ${problem}`);
    return rows;
  };
  const kind = defineInputKind({
    id: options.id,
    description: options.description,
    load: async (path: string) => parse(await readFile(path, 'utf8'), path),
  });
  return { ...kind, parse };
}

const rawLabel = z.union([z.string(), z.number(), z.boolean()]);

/** A labelled text: `label` for the whole text, or `tokenLabels` with one label (or null) per token, BOS not counted. */
export interface LabelledText {
  text: string;
  label?: string | number | boolean;
  tokenLabels?: (string | number | boolean | null)[];
}

const labelledLine = z
  .object({ text: z.string(), label: rawLabel.optional(), tokenLabels: z.array(rawLabel.nullable()).optional() })
  .refine((v) => v.label !== undefined || v.tokenLabels !== undefined, { message: 'needs a "label" (string, number or boolean) or a "tokenLabels" array' });

export const labelledJsonlKind: JsonlKind<LabelledText> = jsonlKind({
  id: 'labelled-jsonl',
  description: 'JSON Lines, {"text": "...", "label": "..."} per line, or {"text": "...", "tokenLabels": [...]} with one label per token',
  line: labelledLine,
  example: '{"text": "...", "label": "..."}',
  check: (rows) => {
    const kinds = new Set(rows.map((r) => (r.label !== undefined ? 'context' : 'token')));
    return kinds.size > 1 ? 'mixes "label" and "tokenLabels" lines; use one kind per file' : null;
  },
}) as JsonlKind<LabelledText>;

export const textKind: InputKind<TextDataset> = defineInputKind({
  id: 'text',
  description: 'text: .txt (a document per blank-line-separated paragraph), .jsonl (a string or {"text"} per line) or .csv/.tsv (a text column)',
  load: (path) => loadTextDataset(path),
});

export const tableKind: InputKind<TableDataset> = defineInputKind({
  id: 'table',
  description: 'a table: .csv/.tsv with a header row',
  load: (path) => loadTableDataset(path),
});

export const timeSeriesKind: InputKind<TableDataset> = defineInputKind({
  id: 'timeseries',
  description: 'a time series: .csv/.tsv with a strictly increasing time column (t or time), optionally a trajectory column',
  load: (path) => loadTimeSeriesDataset(path),
});

/** A set of prompts, each with its label (the file's label when the input is one file per class). */
export interface PromptSet {
  prompts: { text: string; label: string | null }[];
}

const promptLine = z.object({ prompt: z.string().min(1), label: rawLabel.optional() });
const promptJsonl = jsonlKind({ id: 'prompt-jsonl', description: '', line: promptLine, example: '{"prompt": "...", "label": "..."}' });

export const promptSetKind: InputKind<PromptSet> = defineInputKind({
  id: 'prompt-set',
  description:
    'prompts: .jsonl with {"prompt": "...", "label": "..."} per line (one file, a label per prompt), or a .txt with one prompt per line (one file per class: --input name.<label>=file.txt)',
  async load(path, options) {
    if (extname(path).toLowerCase() === '.jsonl') {
      const rows = await promptJsonl.load(path, options);
      return { prompts: rows.map((r) => ({ text: r.prompt, label: r.label !== undefined ? String(r.label) : options.label })) };
    }
    const prompts = (await readFile(path, 'utf8'))
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((text) => ({ text, label: options.label }));
    if (prompts.length === 0) throw new MarrUsageError(`${path} has no prompts; write one prompt per line`);
    return { prompts };
  },
});

/** A model folder (Hugging Face layout or any folder a loader understands): its path and its files. */
export interface ModelFolder {
  path: string;
  /** Every file under the folder, relative to it, sorted. */
  files: string[];
}

async function listFiles(dir: string, root = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full, root)));
    else if (entry.isFile()) out.push(relative(root, full));
  }
  return out.sort();
}

export const modelFolderKind: InputKind<ModelFolder> = defineInputKind({
  id: 'model-folder',
  description: 'a model folder (e.g. a Hugging Face folder with config.json and safetensors); every file in it is hashed',
  entry: 'folder',
  async load(path) {
    return { path, files: await listFiles(path) };
  },
  async files(path) {
    return (await listFiles(path)).map((f) => join(path, f));
  },
});

/** The kinds core ships, by id (analyses may name these by id instead of importing the object). */
export const CORE_INPUT_KINDS = {
  text: textKind,
  table: tableKind,
  timeseries: timeSeriesKind,
  'labelled-jsonl': labelledJsonlKind,
  'prompt-set': promptSetKind,
  'model-folder': modelFolderKind,
} as const satisfies Record<string, InputKind<unknown>>;

export type CoreInputKindId = keyof typeof CORE_INPUT_KINDS;

/** The kind object a spec names (an object, or the id of a core kind). */
export function resolveInputKind(kind: InputKind<unknown> | string): InputKind<unknown> {
  if (typeof kind !== 'string') return kind;
  const found = (CORE_INPUT_KINDS as Record<string, InputKind<unknown>>)[kind];
  if (!found) throw new Error(`unknown input kind "${kind}"; core kinds are ${Object.keys(CORE_INPUT_KINDS).join(', ')}`);
  return found;
}

/** Whether `path` is a folder (for kinds whose entry is a folder). */
export async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
