/**
 * A small reader for numeric CSV files (a header row, comma-separated, no quoting) into the protocol's
 * TableDataset, so the plain functions and tests can load series without the CLI. Hand-written because
 * the series files are plain numeric tables; the CLI's general loader (quoted fields, text columns)
 * hands analyses the same TableDataset shape.
 */
import { readFileSync } from 'node:fs';
import type { TableDataset } from '@marr/core';

export function parseCsvTable(text: string, path = '<inline>'): TableDataset {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new Error(`${path}: the CSV is empty; expected a header row such as "t,x0,x1"`);
  const columns = lines[0].split(',').map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new Error(`${path}: the header has an empty column name`);
    if (seen.has(c)) throw new Error(`${path}: column "${c}" appears twice in the header`);
    seen.add(c);
  }
  const rowCount = lines.length - 1;
  const numeric: Record<string, Float64Array> = {};
  const text2: Record<string, string[]> = {};
  for (const c of columns) {
    numeric[c] = new Float64Array(rowCount);
    text2[c] = [];
  }
  for (let r = 0; r < rowCount; r++) {
    const cells = lines[r + 1].split(',');
    if (cells.length !== columns.length) {
      throw new Error(`${path}: row ${r + 2} has ${cells.length} cells but the header has ${columns.length}`);
    }
    cells.forEach((cell, j) => {
      const trimmed = cell.trim();
      const v = trimmed === '' ? Number.NaN : Number(trimmed);
      numeric[columns[j]][r] = v;
      if (Number.isNaN(v) && trimmed !== '' && trimmed.toLowerCase() !== 'nan') text2[columns[j]][r] = trimmed;
    });
  }
  return { kind: 'timeseries', path, columns, numeric, text: text2, rowCount };
}

export function readCsvTable(path: string): TableDataset {
  return parseCsvTable(readFileSync(path, 'utf8'), path);
}
