/**
 * Precomputed activations from any source: a CSV/TSV table with a label column and one numeric column
 * per feature (the column names become the feature names). Read with core's CSV reader.
 */
import { readCsvTable, requireFile } from '@marr/core';
import { designMatrix, type DesignMatrix } from '@marr/sparse-regression';
import type { RawLabel } from './labels.js';

export interface ActivationTable {
  x: DesignMatrix;
  names: string[];
  labels: RawLabel[];
}

export function activationTableFromColumns(
  table: { columns: string[]; numeric: Record<string, Float64Array>; text: Record<string, string[]>; rowCount: number },
  labelColumn: string,
  source: string,
): ActivationTable {
  if (!table.columns.includes(labelColumn)) {
    throw new Error(`${source} has no "${labelColumn}" column (columns: ${table.columns.slice(0, 10).join(', ')}); set labelColumn=<name>`);
  }
  const names = table.columns.filter((c) => c !== labelColumn);
  if (names.length === 0) throw new Error(`${source} has only the label column; add one column per feature`);
  for (const c of names) {
    if (table.text[c]) {
      const row = table.text[c].findIndex((v) => !Number.isFinite(Number(v)) || v.trim() === '');
      throw new Error(`${source}: feature column "${c}" has a non-numeric value "${table.text[c][row]}" at data row ${row + 1}; features must be numbers`);
    }
  }
  const n = table.rowCount;
  const p = names.length;
  const data = new Float64Array(n * p);
  names.forEach((c, j) => {
    const col = table.numeric[c];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) throw new Error(`${source}: feature column "${c}" is ${col[i]} at data row ${i + 1}; remove or impute it`);
      data[i * p + j] = col[i];
    }
  });
  const labels: RawLabel[] = table.text[labelColumn] ? [...table.text[labelColumn]] : Array.from(table.numeric[labelColumn]);
  return { x: designMatrix(n, p, data), names, labels };
}

export async function readActivationTable(path: string, labelColumn = 'label'): Promise<ActivationTable> {
  // Checked before the stream opens: a missing file or a folder is one sentence, not a stream error.
  await requireFile(path, 'activations table');
  return activationTableFromColumns(await readCsvTable(path), labelColumn, path);
}
