/**
 * The report of a patching grid: results.grid (rows, columns, values, normalised), a heatmap of the
 * normalised values, the top components as a table and in the summary.
 */
import type { ReportSection } from '@marr/core';
import { fmt } from './format.js';

export interface GridResults {
  rows: string[];
  columns: string[];
  values: number[][];
  normalised: number[][];
}

export interface TopCell {
  row: string;
  column: string;
  value: number;
  normalised: number;
}

/** The `n` cells with the largest |normalised| effect, largest first (ties: grid order). */
export function topCells(grid: GridResults, n: number): TopCell[] {
  const cells: TopCell[] = [];
  grid.rows.forEach((row, r) => grid.columns.forEach((column, c) => cells.push({ row, column, value: grid.values[r][c], normalised: grid.normalised[r][c] })));
  return cells
    .map((cell, i) => ({ cell, i }))
    .sort((a, b) => Math.abs(b.cell.normalised) - Math.abs(a.cell.normalised) || a.i - b.i)
    .slice(0, n)
    .map((x) => x.cell);
}

export function describeCell(cell: TopCell, singleColumn: boolean): string {
  return singleColumn ? cell.row : `${cell.row} ${cell.column}`;
}

/** The metric on the clean and corrupted prompts and the number of pairs. */
export function baselineSection(metric: string, clean: number, corrupted: number, pairs: number): ReportSection {
  return {
    kind: 'scalars',
    title: 'Baselines',
    items: [
      { name: `${metric} on the clean prompts`, value: clean },
      { name: `${metric} on the corrupted prompts`, value: corrupted },
      { name: 'pairs', value: pairs },
    ],
  };
}

export function gridSections(options: {
  grid: GridResults;
  top: TopCell[];
  title: string;
  xLabel: string;
  yLabel: string;
  colorLabel: string;
  caption: string;
  metricName: string;
}): ReportSection[] {
  const { grid, top } = options;
  return [
    {
      kind: 'figure',
      figure: {
        type: 'heatmap',
        title: options.title,
        x: { label: options.xLabel },
        y: { label: options.yLabel },
        xLabels: grid.columns,
        yLabels: grid.rows,
        values: grid.normalised,
        colorLabel: options.colorLabel,
      },
      caption: options.caption,
    },
    {
      kind: 'table',
      title: 'Components with the largest effect',
      columns: [options.yLabel, options.xLabel, options.metricName, 'normalised (0 = corrupted, 1 = clean)'],
      rows: top.map((t) => [t.row, t.column, Number(fmt(t.value, 4)), Number(fmt(t.normalised, 4))]),
    },
    {
      kind: 'table',
      title: 'The whole grid (normalised)',
      columns: [options.yLabel, ...grid.columns],
      rows: grid.rows.map((r, i) => [r, ...grid.normalised[i].map((v) => Number(fmt(v, 4)))]),
      terminalRows: 12,
    },
  ];
}
