/**
 * Loading a dataset of a declared kind from a file: text (.txt/.jsonl/.csv), a table (.csv/.tsv) or a
 * time series (.csv with an increasing time column).
 */
import { MarrUsageError } from '../analysis/errors.js';
import type { DataKind, Dataset, TableDataset, TextDataset } from '../analysis/protocol.js';
import { readCsvTable } from './csv.js';
import { requireFile } from './files.js';
import { streamTextDocuments, tokenWindows } from './text.js';

export async function loadTextDataset(path: string): Promise<TextDataset> {
  const abs = await requireFile(path, 'text data file');
  const documents: string[] = [];
  for await (const doc of streamTextDocuments(abs)) documents.push(doc);
  if (documents.length === 0) throw new MarrUsageError(`text data file "${path}" contains no text`);
  return {
    kind: 'text',
    path: abs,
    documents,
    tokenWindows: (tokenizer, options) => tokenWindows(documents, tokenizer, options),
  };
}

export async function loadTableDataset(path: string): Promise<TableDataset> {
  const abs = await requireFile(path, 'table data file');
  const table = await readCsvTable(abs);
  return { kind: 'table', path: abs, ...table };
}

const TIME_NAMES = ['t', 'time'];

export async function loadTimeSeriesDataset(path: string, options: { timeColumn?: string } = {}): Promise<TableDataset> {
  const abs = await requireFile(path, 'time series data file');
  const table = await readCsvTable(abs);
  const timeColumn =
    options.timeColumn ?? table.columns.find((c) => TIME_NAMES.includes(c.toLowerCase())) ?? table.columns[0];
  if (!table.columns.includes(timeColumn)) {
    throw new MarrUsageError(`${path} has no time column "${timeColumn}" (columns: ${table.columns.join(', ')})`);
  }
  if (table.columns.length < 2) {
    throw new MarrUsageError(`${path} needs a time column and at least one value column; it has only "${timeColumn}"`);
  }
  const t = table.numeric[timeColumn];
  // Several trajectories may share a file, told apart by a `trajectory` column: time restarts at each one.
  const trajectoryColumn = table.columns.find((c) => c.toLowerCase() === 'trajectory');
  const trajectoryId = (i: number): string | number | undefined =>
    trajectoryColumn === undefined ? undefined : Number.isNaN(table.numeric[trajectoryColumn][i]) ? table.text[trajectoryColumn]?.[i] : table.numeric[trajectoryColumn][i];
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(t[i])) {
      throw new MarrUsageError(`${path}: time column "${timeColumn}" has a non-numeric value at data row ${i + 1}`);
    }
    if (i > 0 && trajectoryId(i) === trajectoryId(i - 1) && !(t[i] > t[i - 1])) {
      throw new MarrUsageError(
        `${path}: time column "${timeColumn}" must increase strictly${trajectoryColumn ? ' within each trajectory' : ''}, but row ${i + 1} (${t[i]}) follows ${t[i - 1]}; sort the file by time${trajectoryColumn ? '' : ', or add a "trajectory" column to hold several runs'}`,
      );
    }
  }
  return { kind: 'timeseries', path: abs, ...table, timeColumn };
}

/** Loads `path` as the kind of dataset an analysis declares. */
export function loadDataset(path: string, kind: DataKind): Promise<Dataset> {
  switch (kind) {
    case 'text':
      return loadTextDataset(path);
    case 'table':
      return loadTableDataset(path);
    case 'timeseries':
      return loadTimeSeriesDataset(path);
  }
}
