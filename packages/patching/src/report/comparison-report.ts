/**
 * The report of attribution patching next to activation patching: the two grids side by side in one
 * heatmap (one colour scale), a scatter of estimate against truth with the diagonal, the agreement and
 * the cost, the strongest cells and the whole grids as tables.
 */
import type { ReportSection, Scalar, Series } from '@marr/core';
import type { GridAgreement } from '../compare/correlation.js';
import { fmt } from './format.js';
import type { GridResults, TopCell } from './grid-report.js';

export interface ComparisonOptions {
  estimate: GridResults;
  truth: GridResults | null;
  agreement: GridAgreement | null;
  top: TopCell[];
  passes: { attribution: { forward: number; backward: number }; activation: { forward: number } | null };
  /** Activation patching's normalised value of a cell (null without the comparison). */
  trueAt(row: string, column: string): number | null;
  hook: string;
  metricName: string;
  xLabel: string;
  /** `clean into corrupted` or the reverse. */
  from: string;
  /** Columns are positions (their labels carry the clean token and Δn). */
  positionNote: boolean;
}

const round = (x: number | null, digits = 4): number | null => (x === null || !Number.isFinite(x) ? null : Number(fmt(x, digits)));

export function comparisonSections(o: ComparisonOptions): ReportSection[] {
  const { estimate, truth, agreement } = o;
  const cost: Scalar[] = [
    { name: 'attribution: forward passes', value: o.passes.attribution.forward, help: 'one over the clean prompts (cached), one over the corrupted prompts' },
    { name: 'attribution: backward passes', value: o.passes.attribution.backward },
  ];
  if (o.passes.activation) {
    cost.push({ name: 'activation patching: forward passes', value: o.passes.activation.forward, help: 'one patched run of every pair per cell, plus the clean and corrupted baselines' });
  }
  const sections: ReportSection[] = [];
  if (agreement) {
    const items: Scalar[] = [];
    if (agreement.pearson !== null) items.push({ name: "Pearson's r", value: agreement.pearson, help: 'attribution vs activation patching over every cell' });
    if (agreement.spearman !== null) items.push({ name: "Spearman's ρ", value: agreement.spearman });
    items.push(
      { name: 'mean |attribution − activation patching|', value: agreement.meanAbsoluteError, help: 'in units of the clean−corrupted gap' },
      { name: 'largest |attribution − activation patching|', value: agreement.maxAbsoluteError },
      { name: 'cells', value: agreement.cells },
    );
    sections.push({ kind: 'scalars', title: 'Attribution vs activation patching', items });
  }
  sections.push({ kind: 'scalars', title: 'Cost (passes over every pair; seconds in the run timings)', items: cost });

  const positions = o.positionNote ? ' Position labels: the clean token (* where pairs differ); Δn where the clean and corrupted prompts differ in n pairs.' : '';
  if (truth) {
    // Side by side while the grids are narrow; one above the other when they are wide (neurons, long prompts).
    const stacked = estimate.columns.length > 24;
    sections.push({
      kind: 'figure',
      figure: {
        type: 'heatmap',
        title: `Attribution patching (${stacked ? 'top' : 'left'}) and activation patching (${stacked ? 'bottom' : 'right'}) of ${o.hook}`,
        x: { label: stacked ? o.xLabel : `${o.xLabel}: attribution | activation patching` },
        y: { label: 'layer' },
        xLabels: stacked ? estimate.columns : [...estimate.columns.map((c) => `attr ${c}`), ...truth.columns.map((c) => `patch ${c}`)],
        yLabels: stacked ? [...estimate.rows.map((r) => `attr ${r}`), ...truth.rows.map((r) => `patch ${r}`)] : estimate.rows,
        values: stacked ? [...estimate.normalised, ...truth.normalised] : estimate.normalised.map((row, r) => [...row, ...truth.normalised[r]]),
        colorLabel: 'normalised metric',
      },
      caption:
        `${stacked ? 'Top rows' : 'Left half'}: the first-order estimate of patching each ${o.hook} ${o.from} (gradient × activation difference); ` +
        `${stacked ? 'bottom rows' : 'right half'}: the patched runs themselves. ` +
        `One colour scale; 0 is the corrupted and 1 the clean value of ${o.metricName}, averaged over pairs.${positions}`,
    });
    const x = truth.normalised.flat();
    const y = estimate.normalised.flat();
    const lo = Math.min(...x, ...y), hi = Math.max(...x, ...y);
    const diagonal: Series = { name: 'y = x (exact agreement)', x: [], y: [] };
    for (let k = 0; k <= 20; k++) {
      diagonal.x.push(lo + ((hi - lo) * k) / 20);
      diagonal.y.push(lo + ((hi - lo) * k) / 20);
    }
    sections.push({
      kind: 'figure',
      figure: {
        type: 'scatter',
        title: `Attribution vs activation patching, one point per cell (r = ${fmt(agreement?.pearson ?? Number.NaN, 3)})`,
        x: { label: 'activation patching (normalised)' },
        y: { label: 'attribution patching (normalised)' },
        series: [{ name: 'cells', x, y }, diagonal],
      },
      caption: 'Points on the diagonal are cells where the linear estimate equals the patched run; points far from it are cells where the metric is not linear over the patch (saturation, large activation changes).',
    });
  } else {
    sections.push({
      kind: 'figure',
      figure: {
        type: 'heatmap',
        title: `Attribution patching of ${o.hook}`,
        x: { label: o.xLabel },
        y: { label: 'layer' },
        xLabels: estimate.columns,
        yLabels: estimate.rows,
        values: estimate.normalised,
        colorLabel: 'normalised metric',
      },
      caption: `The first-order estimate of patching each ${o.hook} ${o.from}; 0 is the corrupted and 1 the clean value of ${o.metricName}, averaged over pairs.${positions}`,
    });
  }
  sections.push({
    kind: 'table',
    title: 'Components with the largest attribution',
    columns: ['layer', o.xLabel, `estimated ${o.metricName}`, 'attribution (normalised)', ...(truth ? ['activation patching (normalised)'] : [])],
    rows: o.top.map((t) => [t.row, t.column, round(t.value), round(t.normalised), ...(truth ? [round(o.trueAt(t.row, t.column))] : [])]),
  });
  const gridTable = (title: string, g: GridResults): ReportSection => ({
    kind: 'table',
    title,
    columns: ['layer', ...g.columns],
    rows: g.rows.map((r, i) => [r, ...g.normalised[i].map((v) => round(v))]),
    terminalRows: 12,
  });
  sections.push(gridTable('The whole attribution grid (normalised)', estimate));
  if (truth) sections.push(gridTable('The whole activation-patching grid (normalised)', truth));
  return sections;
}
