/**
 * Text datasets: documents read from .txt (one document per blank-line-separated paragraph), .jsonl
 * (one JSON string, or an object with a `text` field, per line) or .csv/.tsv (a `text` column), and
 * cut into token windows for a model.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { MarrUsageError } from '../analysis/errors.js';
import type { Tokenizer } from '../model/types.js';
import { streamCsvRecords } from './csv.js';

export type TextFormat = 'txt' | 'jsonl' | 'csv';

export function textFormatOf(path: string): TextFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  return 'txt';
}

async function* streamLines(path: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) yield line;
}

async function* paragraphs(path: string): AsyncGenerator<string> {
  let current: string[] = [];
  for await (const line of streamLines(path)) {
    if (line.trim() === '') {
      if (current.length > 0) yield current.join('\n');
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) yield current.join('\n');
}

async function* jsonlDocuments(path: string): AsyncGenerator<string> {
  let lineNo = 0;
  for await (const line of streamLines(path)) {
    lineNo++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new MarrUsageError(`${path}:${lineNo} is not valid JSON; a .jsonl file needs one JSON value per line`);
    }
    if (typeof value === 'string') yield value;
    else if (value && typeof value === 'object' && typeof (value as { text?: unknown }).text === 'string') {
      yield (value as { text: string }).text;
    } else {
      throw new MarrUsageError(
        `${path}:${lineNo}: expected a JSON string or an object with a string "text" field`,
      );
    }
  }
}

async function* csvDocuments(path: string): AsyncGenerator<string> {
  let first = true;
  for await (const record of streamCsvRecords(path)) {
    if (first && !('text' in record)) {
      throw new MarrUsageError(
        `${path} has no "text" column (columns: ${Object.keys(record).join(', ')}); a text dataset in CSV needs one`,
      );
    }
    first = false;
    yield record.text;
  }
}

/** Streams the documents of a text file without reading it all into memory. */
export function streamTextDocuments(path: string): AsyncGenerator<string> {
  switch (textFormatOf(path)) {
    case 'jsonl':
      return jsonlDocuments(path);
    case 'csv':
      return csvDocuments(path);
    default:
      return paragraphs(path);
  }
}

export interface TokenWindowOptions {
  /** Tokens per window, BOS included. */
  contextLength: number;
  /** Stop after this many tokens in total (windows × contextLength never exceeds it). */
  maxTokens?: number;
}

function checkWindowOptions(opts: TokenWindowOptions, bos: number | null): void {
  const min = bos === null ? 1 : 2;
  if (!Number.isInteger(opts.contextLength) || opts.contextLength < min) {
    throw new MarrUsageError(`contextLength must be an integer >= ${min}, got ${opts.contextLength}`);
  }
  if (opts.maxTokens !== undefined && (!Number.isInteger(opts.maxTokens) || opts.maxTokens < opts.contextLength)) {
    throw new MarrUsageError(
      `maxTokens must be an integer >= contextLength (${opts.contextLength}), got ${opts.maxTokens}`,
    );
  }
}

/** Turns documents, pushed one at a time, into token windows; shared by the streaming and in-memory APIs. */
function createWindower(tokenizer: Tokenizer, opts: TokenWindowOptions) {
  const bos = tokenizer.bosTokenId;
  checkWindowOptions(opts, bos);
  const body = bos === null ? opts.contextLength : opts.contextLength - 1;
  const maxWindows = opts.maxTokens === undefined ? Infinity : Math.floor(opts.maxTokens / opts.contextLength);
  const separator = tokenizer.eosTokenId ?? bos;
  let buffer: number[] = [];
  let emitted = 0;
  let firstDoc = true;
  return {
    get full(): boolean {
      return emitted >= maxWindows;
    },
    push(doc: string): number[][] {
      const out: number[][] = [];
      if (emitted >= maxWindows) return out;
      if (!firstDoc && separator !== null) buffer.push(separator);
      firstDoc = false;
      for (const id of tokenizer.encode(doc, { addBos: false })) buffer.push(id);
      let start = 0;
      while (buffer.length - start >= body && emitted < maxWindows) {
        const chunk = buffer.slice(start, start + body);
        start += body;
        emitted++;
        out.push(bos === null ? chunk : [bos, ...chunk]);
      }
      buffer = buffer.slice(start);
      return out;
    },
  };
}

/**
 * Cuts documents into windows the way TransformerLens's `tokenize_and_concatenate` does: documents are
 * encoded without BOS and joined with an EOS separator (BOS when there is no EOS) into one token
 * stream, the stream is cut into chunks of `contextLength - 1` tokens and each chunk gets a BOS in
 * front (chunks of `contextLength` when the tokenizer has no BOS). A trailing partial chunk is
 * dropped. Reading stops as soon as `maxTokens` tokens are filled, so large files are not read in full.
 */
export async function* streamTokenWindows(
  documents: AsyncIterable<string> | Iterable<string>,
  tokenizer: Tokenizer,
  opts: TokenWindowOptions,
): AsyncGenerator<number[]> {
  const windower = createWindower(tokenizer, opts);
  for await (const doc of documents) {
    if (windower.full) return;
    yield* windower.push(doc);
  }
}

/** All windows of an in-memory list of documents (see streamTokenWindows). */
export function tokenWindows(documents: readonly string[], tokenizer: Tokenizer, opts: TokenWindowOptions): number[][] {
  const windower = createWindower(tokenizer, opts);
  const windows: number[][] = [];
  for (const doc of documents) {
    if (windower.full) break;
    windows.push(...windower.push(doc));
  }
  return windows;
}
