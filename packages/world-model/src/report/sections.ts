/** Report sections of the world-model analysis: R^2 by layer, predicted maps and years, block holdout, neurons. */
import type { DenseMatrix, FigureSection, ReportSection, Series, TableSection } from '@marr/core';
import type { LayerScores, WorldModelResults } from '../analyses/results.js';
import type { TargetKind } from '../entities/table.js';

export const round = (v: number | null, digits = 4): number | null => (v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits)));

export function layerName(l: { layer: number | null; hookPoint: string }): string {
  return l.layer === null ? l.hookPoint : `L${l.layer}`;
}

/** Test R^2 against layer, one line per target and one for their mean. */
export function r2ByLayerFigure(layers: readonly LayerScores[], targets: readonly string[]): FigureSection {
  const xs = layers.map((l, i) => l.layer ?? i);
  const series: Series[] = targets.map((t, j) => ({ name: `${t} (test R²)`, x: xs, y: layers.map((l) => round(l.perTarget[j].r2) ?? 0) }));
  if (targets.length > 1) series.push({ name: 'mean (test R²)', x: xs, y: layers.map((l) => round(l.r2) ?? 0) });
  series.push({ name: 'train R²', x: xs, y: layers.map((l) => round(l.trainR2) ?? 0) });
  const all = series.flatMap((s) => s.y);
  return {
    kind: 'figure',
    figure: {
      type: 'line',
      title: 'Linear probe R² by layer',
      x: { label: 'layer (resid_post)' },
      y: { label: 'R²', domain: [Math.min(0, Math.floor(Math.min(...all) * 10) / 10), 1] },
      series,
    },
    caption: 'Ridge probes on the residual stream at the last token of each entity, one per layer; test R² on the held-out entities (train R² for comparison).',
  };
}

export function layerTable(layers: readonly LayerScores[], kind: TargetKind): TableSection {
  return {
    kind: 'table',
    title: 'Probe per layer (test split)',
    columns: ['layer', 'alpha', 'LOO MSE', 'R²', ...layers[0].perTarget.map((t) => `R² ${t.target}`), 'Pearson', 'Spearman', 'MAE', 'proximity error', ...(kind === 'place' ? ['mean error (km)'] : []), 'train R²'],
    rows: layers.map((l) => [
      layerName(l), round(l.alpha, 3), round(l.looMse), round(l.r2), ...l.perTarget.map((t) => round(t.r2)), round(l.pearson), round(l.spearman), round(l.mae, 3), round(l.proximityError),
      ...(kind === 'place' ? [round(l.haversineKm, 1)] : []), round(l.trainR2),
    ]),
  };
}

/** The largest groups by name (the rest pooled as "other"), for colouring. */
function colourGroups(groups: readonly string[] | null, idx: readonly number[], max = 8): (i: number) => string {
  if (!groups) return () => 'entities';
  const counts = new Map<string, number>();
  for (const i of idx) counts.set(groups[i], (counts.get(groups[i]) ?? 0) + 1);
  const keep = new Set([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([g]) => g));
  return (i) => (keep.has(groups[i]) ? groups[i] || '(none)' : 'other');
}

function groupedSeries(idx: readonly number[], groupOf: (i: number) => string, xOf: (i: number) => number, yOf: (i: number) => number): Series[] {
  const by = new Map<string, number[]>();
  for (const i of idx) by.set(groupOf(i), [...(by.get(groupOf(i)) ?? []), i]);
  const names = [...by.keys()].sort((a, b) => (a === 'other' ? 1 : b === 'other' ? -1 : a < b ? -1 : 1));
  return names.map((name) => ({ name, x: by.get(name)!.map((i) => round(xOf(i), 3) ?? 0), y: by.get(name)!.map((i) => round(yOf(i), 3) ?? 0) }));
}

/** Places: true and predicted positions of the test entities on a longitude/latitude plane, coloured by group. */
export function placeFigures(y: DenseMatrix, pred: DenseMatrix, test: readonly number[], groups: readonly string[] | null, layer: string, groupColumn: string): FigureSection[] {
  const groupOf = colourGroups(groups, test);
  const by = groupColumn ? ` coloured by ${groupColumn}` : '';
  const lonDomain: [number, number] = [-180, 180], latDomain: [number, number] = [-90, 90];
  return [
    {
      kind: 'figure',
      figure: { type: 'scatter', title: `Predicted positions of the test entities (${layer})`, x: { label: 'predicted longitude (°)', domain: lonDomain }, y: { label: 'predicted latitude (°)', domain: latDomain }, series: groupedSeries(test, groupOf, (i) => pred.data[i * 2 + 1], (i) => pred.data[i * 2]) },
      caption: `Where the probe of the best layer puts each held-out entity${by}; compare with the true positions below. The largest groups get a colour each, the rest are "other".`,
    },
    {
      kind: 'figure',
      figure: { type: 'scatter', title: 'True positions of the test entities', x: { label: 'longitude (°)', domain: lonDomain }, y: { label: 'latitude (°)', domain: latDomain }, series: groupedSeries(test, groupOf, (i) => y.data[i * 2 + 1], (i) => y.data[i * 2]) },
      caption: `The same entities at their true coordinates${by}.`,
    },
  ];
}

/** Time: predicted against true value of the test entities, with the identity line. */
export function timeFigure(y: DenseMatrix, pred: DenseMatrix, test: readonly number[], groups: readonly string[] | null, layer: string, target: string): FigureSection {
  const groupOf = colourGroups(groups, test);
  const values = test.flatMap((i) => [y.data[i], pred.data[i]]);
  const lo = Math.floor(Math.min(...values)), hi = Math.ceil(Math.max(...values));
  // the identity as a dotted line of points (scatter figures draw points only)
  const diagonal = Array.from({ length: 41 }, (_, k) => round(lo + ((hi - lo) * k) / 40, 3) ?? 0);
  return {
    kind: 'figure',
    figure: {
      type: 'scatter',
      title: `Predicted against true ${target} of the test entities (${layer})`,
      x: { label: `true ${target}`, domain: [lo, hi] },
      y: { label: `predicted ${target}`, domain: [lo, hi] },
      series: [...groupedSeries(test, groupOf, (i) => y.data[i], (i) => pred.data[i]), { name: 'predicted = true', x: diagonal, y: diagonal }],
    },
    caption: 'Each held-out entity at its true value (x) and the probe\'s prediction (y); points on the identity line are exact. A ridge probe shrinks towards the mean, so the cloud is flatter than the line.',
  };
}

export function blockSections(block: NonNullable<WorldModelResults['blockHoldout']>, kind: TargetKind): ReportSection[] {
  const unit = kind === 'place' ? 'km' : 'units of the target';
  return [
    {
      kind: 'figure',
      figure: {
        type: 'bar',
        title: `Block holdout by ${block.groupColumn}: proximity error`,
        x: { label: block.groupColumn },
        y: { label: 'proximity error (0 = perfect order, 0.5 = chance)' },
        categories: block.blocks.map((b) => b.group),
        series: [
          { name: 'block held out', values: block.blocks.map((b) => round(b.proximityError) ?? 0) },
          { name: 'nominal split', values: block.blocks.map((b) => round(b.nominalProximityError) ?? 0) },
        ],
      },
      caption: `Each ${block.groupColumn} held out in turn (the probe trained on every other entity, alpha ${round(block.alpha, 3)}), against the nominal probe on the same ${block.groupColumn}'s test entities. Proximity errors are measured among all entities' predictions.`,
    },
    {
      kind: 'table',
      title: `Block holdout by ${block.groupColumn}`,
      columns: ['block', 'entities', 'proximity error (held out)', 'proximity error (nominal)', `mean error (held out, ${unit})`, `mean error (nominal, ${unit})`, 'nominal test entities'],
      rows: block.blocks.map((b) => [b.group, b.size, round(b.proximityError), round(b.nominalProximityError), round(b.error, 2), round(b.nominalError, 2), b.nominalTestSize]),
    },
  ];
}

export function neuronSections(neurons: NonNullable<WorldModelResults['neurons']>): ReportSection[] {
  const chance = new Map(neurons.weightAlignment.chance.map((c) => [c.weight, c.maxAbsCosine]));
  return [
    {
      kind: 'table',
      title: `Neurons whose weights align with the probe direction of layer ${neurons.layer}`,
      columns: ['target', 'weight', 'neuron', 'cosine', 'chance max |cosine|'],
      rows: neurons.weightAlignment.top.map((n) => [n.target, n.weight, `L${n.layer}N${n.neuron}`, round(n.cosine), round(chance.get(n.weight) ?? null)]),
    },
    {
      kind: 'table',
      title: `Single neurons of layer ${neurons.layer} that best predict each target (chosen on the training entities)`,
      columns: ['target', 'neuron', 'train R²', 'test R²', 'test Pearson r'],
      rows: neurons.predictive.map((n) => [n.target, `L${n.layer}N${n.neuron}`, round(n.trainR2), round(n.testR2), round(n.testPearson)]),
    },
  ];
}
