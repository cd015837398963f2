/**
 * Precomputed activations instead of a model: the same entity table, every column that is not the name,
 * a target, the group or the split column being one numeric feature.
 */
import { denseMatrix, MarrUsageError, type DenseMatrix, type TableDataset } from '@marr/core';
import type { EntityColumns, EntityTable } from './table.js';

export function activationFeatures(table: Pick<TableDataset, 'columns' | 'numeric' | 'text'> & { path: string }, columns: EntityColumns, entities: EntityTable): { x: DenseMatrix; features: string[] } {
  const skip = new Set([columns.nameColumn, ...columns.targets, columns.groupColumn, columns.splitColumn || 'is_test']);
  const features = table.columns.filter((c) => !skip.has(c));
  if (features.length === 0) {
    throw new MarrUsageError(`${table.path} has no feature columns besides the name, targets, group and split; give a model (--model), or add one numeric column per activation`);
  }
  for (const c of features) {
    if (table.text[c]) {
      const row = table.text[c].findIndex((v) => v.trim() === '' || Number.isNaN(Number(v)));
      throw new MarrUsageError(`${table.path}: feature column "${c}" has "${table.text[c][row]}" at data row ${row + 1}; without a model every column other than the name, targets, group and split must be a number (or give a model with --model)`);
    }
  }
  const n = entities.rows.length, p = features.length;
  const x = denseMatrix(n, p);
  entities.rows.forEach((r, i) => {
    features.forEach((c, j) => {
      const v = table.numeric[c][r];
      if (!Number.isFinite(v)) throw new MarrUsageError(`${table.path}: feature column "${c}" is empty or not finite at data row ${r + 1}; fill or drop that row`);
      x.data[i * p + j] = v;
    });
  });
  return { x, features };
}
