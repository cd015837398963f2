/**
 * Tables from CSV/TSV files, parsed with csv-parse (RFC 4180 quoting, streamed) into named columns.
 * Used for `table` and `timeseries` datasets and for text datasets stored as CSV.
 */
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import { MarrUsageError } from '../analysis/errors.js';

/** Field delimiter by file extension: tab for .tsv/.tab, comma otherwise. */
export function delimiterFor(path: string): string {
  const ext = extname(path).toLowerCase();
  return ext === '.tsv' || ext === '.tab' ? '\t' : ',';
}

/** Streams the rows of a CSV file as records keyed by the header row. */
export async function* streamCsvRecords(path: string): AsyncGenerator<Record<string, string>> {
  const parser = createReadStream(path).pipe(
    parse({
      delimiter: delimiterFor(path),
      columns: (header: string[]) => {
        const names = header.map((h) => h.trim());
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup !== undefined) throw new MarrUsageError(`${path}: column "${dup}" appears twice in the header row`);
        if (names.some((n) => n === '')) throw new MarrUsageError(`${path}: the header row has an empty column name`);
        return names;
      },
      bom: true,
      skip_empty_lines: true,
      relax_quotes: false,
    }),
  );
  try {
    for await (const record of parser) yield record as Record<string, string>;
  } catch (err) {
    if (err instanceof MarrUsageError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new MarrUsageError(`${path} is not a valid ${delimiterFor(path) === '\t' ? 'TSV' : 'CSV'} file: ${message}`);
  }
}

export interface ParsedTable {
  columns: string[];
  /** Column-major values; a non-numeric or empty cell is NaN. */
  numeric: Record<string, Float64Array>;
  /** Raw strings, kept only for columns that have at least one non-numeric cell. */
  text: Record<string, string[]>;
  rowCount: number;
}

function parseNumber(cell: string): number {
  const t = cell.trim();
  if (t === '') return NaN;
  const n = Number(t);
  return Number.isNaN(n) ? NaN : n;
}

/** Reads a whole CSV file into named columns. */
export async function readCsvTable(path: string): Promise<ParsedTable> {
  let columns: string[] | null = null;
  const raw: Record<string, string[]> = {};
  let rowCount = 0;
  for await (const record of streamCsvRecords(path)) {
    if (!columns) {
      columns = Object.keys(record);
      for (const c of columns) raw[c] = [];
    }
    for (const c of columns) raw[c].push(record[c] ?? '');
    rowCount++;
  }
  if (!columns || rowCount === 0) {
    throw new MarrUsageError(`${path} has no data rows; a table needs a header row and at least one row of values`);
  }
  const numeric: Record<string, Float64Array> = {};
  const text: Record<string, string[]> = {};
  for (const c of columns) {
    const values = new Float64Array(rowCount);
    let allNumeric = true;
    for (let i = 0; i < rowCount; i++) {
      values[i] = parseNumber(raw[c][i]);
      if (Number.isNaN(values[i]) && raw[c][i].trim().toLowerCase() !== 'nan') allNumeric = false;
    }
    numeric[c] = values;
    if (!allNumeric) text[c] = raw[c];
  }
  return { columns, numeric, text, rowCount };
}
