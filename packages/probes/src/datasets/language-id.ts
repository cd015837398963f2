/**
 * The language-identification dataset builder: text files per language (any plain-text files; in
 * the tests and README, German Grimm and English Twain from shared/data/de-en-prose) cut into token
 * windows of `contextLength` tokens, each window labelled with its file's language. Windows are cut
 * the TransformerLens way (core's tokenWindows) and the same number is taken from each class.
 */
import { readFile } from 'node:fs/promises';
import { defineInputKind, tokenWindows, type Tokenizer } from '@marr/core';

export interface ClassText {
  label: string;
  /** Plain-text documents (paragraphs) of this class. */
  documents: string[];
}

export interface WindowExamples {
  windows: number[][];
  labels: string[];
}

/** Splits plain text into paragraphs (blank-line separated), dropping very short ones (headings, numbers). */
export function paragraphs(text: string, minChars = 40): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p.length >= minChars);
}

/**
 * The `classFiles` input kind: a plain-text file of one class (the label comes from the command line,
 * `--input classFiles.en=twain.txt`), read as its paragraphs.
 */
export const classTextKind = defineInputKind<ClassText>({
  id: 'class-text',
  description: 'plain text of one class, given as --input classFiles.<label>=file.txt; read as blank-line-separated paragraphs',
  async load(path, { label }) {
    return { label: label ?? '', documents: paragraphs(await readFile(path, 'utf8')) };
  },
});

/** Merges files of the same label, in first-seen order; needs at least two labels. */
export function mergeClassTexts(files: readonly ClassText[]): ClassText[] {
  const byLabel = new Map<string, string[]>();
  for (const f of files) byLabel.set(f.label, [...(byLabel.get(f.label) ?? []), ...f.documents]);
  if (byLabel.size < 2) throw new Error(`language identification needs files of at least 2 labels, got ${byLabel.size}`);
  return [...byLabel].map(([label, documents]) => ({ label, documents }));
}

/** Reads `label=path` specs (several paths may share a label). */
export async function readClassFiles(specs: readonly string[]): Promise<ClassText[]> {
  const byLabel = new Map<string, string[]>();
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new Error(`class file "${spec}" must look like label=path/to/file.txt`);
    const label = spec.slice(0, eq).trim();
    const path = spec.slice(eq + 1).trim();
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      throw new Error(`class file "${path}" (label "${label}") cannot be read; check the path`);
    }
    byLabel.set(label, [...(byLabel.get(label) ?? []), ...paragraphs(text)]);
  }
  if (byLabel.size < 2) throw new Error(`language identification needs files of at least 2 labels, got ${byLabel.size}`);
  return [...byLabel].map(([label, documents]) => ({ label, documents }));
}

/** Equal numbers of token windows per class (at most `perClass`). */
export function languageIdWindows(
  classes: readonly ClassText[],
  tokenizer: Tokenizer,
  options: { contextLength: number; perClass: number },
): WindowExamples {
  const perClass = classes.map((c) => tokenWindows(c.documents, tokenizer, { contextLength: options.contextLength, maxTokens: options.perClass * options.contextLength }));
  const n = Math.min(options.perClass, ...perClass.map((w) => w.length));
  if (n < 4) throw new Error(`language identification: only ${n} windows of ${options.contextLength} tokens for some class; give more text or a shorter contextLength`);
  const windows: number[][] = [];
  const labels: string[] = [];
  classes.forEach((c, i) => {
    for (const w of perClass[i].slice(0, n)) {
      windows.push(w);
      labels.push(c.label);
    }
  });
  return { windows, labels };
}
