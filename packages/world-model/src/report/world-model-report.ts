/** The world-model report: its one-paragraph summary with the numbers, and its sections in order. */
import type { DenseMatrix, ReportSection } from '@marr/core';
import type { WorldModelResults } from '../analyses/results.js';
import { blockSections, layerName, layerTable, neuronSections, placeFigures, r2ByLayerFigure, timeFigure } from './sections.js';

function fmt(v: number | null, digits = 3): string {
  return v === null ? 'n/a' : v.toFixed(digits);
}

export function summaryOf(r: WorldModelResults, withModel: boolean): string {
  const b = r.best;
  const where = b.layer === null ? 'the table\'s activations' : `layer ${b.layer}`;
  const at = r.suffix ? `the last token of "<name>${r.suffix}"` : 'the last token of each name';
  const what = r.kind === 'place' ? `latitude and longitude (${r.targets.join(', ')})` : r.targets[0];
  const per = b.perTarget.map((t) => `${t.target} ${fmt(t.r2)}`).join(', ');
  const layerList = r.layers.length > 1 ? ` Test R² by layer: ${r.layers.map((l) => `${layerName(l)} ${fmt(l.r2)}`).join(', ')}.` : '';
  const place = r.kind === 'place' ? `, mean error ${fmt(b.haversineKm, 0)} km` : `, mean absolute error ${fmt(b.mae, 1)}`;
  let text =
    `A linear (ridge) probe ${withModel ? `on the residual stream at ${at}` : 'on the precomputed activations'} predicts ${what} of ${r.entities.test} held-out entities ` +
    `(trained on ${r.entities.train}) with test R² ${fmt(b.r2)} at ${where} (${per}; Pearson ${fmt(b.pearson)}, Spearman ${fmt(b.spearman)}${place}, proximity error ${fmt(b.proximityError)} where 0.5 is chance; alpha ${fmt(b.alpha, 1)} by leave-one-out).${layerList}`;
  if (r.blockHoldout) {
    const h = r.blockHoldout;
    text += ` Holding out each ${h.groupColumn} in turn (${h.blocks.length} blocks) gives a proximity error of ${fmt(h.proximityError)} against ${fmt(h.nominalProximityError)} on the nominal split${(h.proximityError ?? 0) - (h.nominalProximityError ?? 0) > 0.1 ? ': the probe places unseen groups markedly worse' : ''}.`;
  }
  if (r.neurons) {
    const top = r.neurons.predictive.filter((n, i, all) => all.findIndex((m) => m.target === n.target) === i);
    text += ` Best single neurons (ranked on the training entities): ${top.map((n) => `${n.target} L${n.layer}N${n.neuron} (test R² ${fmt(n.testR2)})`).join(', ')}.`;
  }
  return text;
}

export function sectionsOf(r: WorldModelResults, data: { y: DenseMatrix; pred: DenseMatrix; test: number[]; groups: string[] | null; groupColumn: string; bestName: string }): ReportSection[] {
  const b = r.best;
  const sections: ReportSection[] = [
    {
      kind: 'scalars',
      title: `Best layer (${data.bestName}, by leave-one-out error)`,
      items: [
        { name: 'test R²', value: b.r2 ?? NaN },
        ...b.perTarget.map((t) => ({ name: `test R² ${t.target}`, value: t.r2 ?? NaN })),
        { name: 'Pearson r', value: b.pearson ?? NaN },
        { name: 'Spearman rho', value: b.spearman ?? NaN },
        { name: 'mean absolute error', value: b.mae ?? NaN, unit: r.kind === 'place' ? 'degrees' : 'years' },
        ...(r.kind === 'place' ? [{ name: 'mean great-circle error', value: b.haversineKm ?? NaN, unit: 'km' }] : []),
        { name: 'proximity error', value: b.proximityError ?? NaN, help: 'fraction of other test entities predicted nearer to an entity\'s true value than its own prediction; 0.5 is chance' },
        { name: 'alpha', value: b.alpha },
        { name: 'training entities', value: r.entities.train },
        { name: 'test entities', value: r.entities.test, help: r.entities.split === 'column' ? 'held out by the table\'s split column' : 'a seeded random split' },
      ],
    },
  ];
  if (r.layers.length > 1) sections.push(r2ByLayerFigure(r.layers, r.targets));
  sections.push(layerTable(r.layers, r.kind));
  sections.push(r.kind === 'place' ? placeFigures(data.y, data.pred, data.test, data.groups, data.bestName, data.groupColumn)[0] : timeFigure(data.y, data.pred, data.test, data.groups, data.bestName, r.targets[0]));
  if (r.kind === 'place') sections.push(placeFigures(data.y, data.pred, data.test, data.groups, data.bestName, data.groupColumn)[1]);
  if (r.blockHoldout) sections.push(...blockSections(r.blockHoldout, r.kind));
  if (r.neurons) sections.push(...neuronSections(r.neurons));
  return sections;
}

