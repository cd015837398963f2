/**
 * Report sections (tables and declarative figures) for each measurement, shared by the single
 * analyses and the combined `stages` report.
 */
import type { FigureMark, ReportSection } from '@marr/core';
import type { LayerLocality } from '../attention/locality.js';
import type { SweepResult } from '../interventions/sweep.js';
import type { LogitLensLayer } from '../lens/logit-lens.js';
import type { LayerNeuronCounts } from '../neurons/prediction-neurons.js';
import { relativeDepth } from '../metrics/depth.js';
import { fmt, pct } from './format.js';

const orZero = (x: number | null) => (x === null || !Number.isFinite(x) ? 0 : x);

export function robustnessSections(sweep: SweepResult, nLayers: number): ReportSection[] {
  const { deletion, swap } = sweep;
  const x = (rows: { layer: number }[]) => rows.map((r) => relativeDepth(r.layer, nLayers));
  const depth = { label: 'relative depth l / (L - 1) (swap l exchanges l and l+1)' };
  const base = deletion[0] ?? swap[0];
  const sections: ReportSection[] = [];
  if (base) {
    sections.push({
      kind: 'scalars',
      title: 'Original model on the scored tokens',
      items: [
        { name: 'cross-entropy', value: base.crossEntropyOriginal, stderr: base.stderr.crossEntropyOriginal, unit: 'nats' },
        { name: 'entropy', value: base.entropyOriginal, stderr: base.stderr.entropyOriginal, unit: 'bits' },
        { name: 'top-1 accuracy', value: base.accuracyOriginal, stderr: base.stderr.accuracyOriginal },
        { name: 'scored tokens', value: sweep.tokens, help: `${sweep.windows} windows; BOS and last positions skipped` },
      ],
    });
  }
  sections.push({
    kind: 'figure',
    figure: {
      type: 'line',
      title: 'KL(original || intervened) per layer',
      x: depth,
      y: { label: 'KL (nats)', scale: 'log' },
      series: [
        { name: 'delete l', x: x(deletion), y: deletion.map((r) => Math.max(r.kl, 1e-12)), error: deletion.map((r) => r.stderr.kl) },
        { name: 'swap l, l+1', x: x(swap), y: swap.map((r) => Math.max(r.kl, 1e-12)), error: swap.map((r) => r.stderr.kl) },
      ],
    },
    caption: `Mean over scored tokens with standard errors; the paper finds the first and last layers most sensitive. ${layerDepths(deletion.map((r) => ({ layer: r.layer, relativeDepth: relativeDepth(r.layer, nLayers) })))}`,
  });
  sections.push({
    kind: 'figure',
    figure: {
      type: 'line',
      title: 'Prediction accuracy kept after the intervention',
      x: depth,
      y: { label: 'fraction', domain: [0, 1.1] },
      series: [
        { name: 'accuracy retention, delete', x: x(deletion), y: deletion.map((r) => orZero(r.accuracyRetention)), error: deletion.map((r) => orZero(r.stderr.accuracyRetention)) },
        { name: 'accuracy retention, swap', x: x(swap), y: swap.map((r) => orZero(r.accuracyRetention)), error: swap.map((r) => orZero(r.stderr.accuracyRetention)) },
        { name: 'argmax agreement, delete', x: x(deletion), y: deletion.map((r) => r.agreement), error: deletion.map((r) => r.stderr.agreement) },
        { name: 'argmax agreement, swap', x: x(swap), y: swap.map((r) => r.agreement), error: swap.map((r) => r.stderr.agreement) },
      ],
    },
    caption: 'Retention = top-1 accuracy against the true next token, intervened / original; agreement = intervened argmax equals the original argmax.',
  });
  const columns = ['layer', 'KL (nats)', '± se', 'cross-entropy', 'original CE', 'entropy (bits)', 'original entropy', 'accuracy', 'original accuracy', 'retention', 'agreement'];
  const rows = (rs: SweepResult['deletion']) =>
    rs.map((r) => [r.layer, fmt(r.kl, 4), fmt(r.stderr.kl, 4), fmt(r.crossEntropy), fmt(r.crossEntropyOriginal), fmt(r.entropy), fmt(r.entropyOriginal), pct(r.accuracy), pct(r.accuracyOriginal), pct(r.accuracyRetention), pct(r.agreement)]);
  if (deletion.length) sections.push({ kind: 'table', title: 'Deleting layer l', columns, rows: rows(deletion) });
  if (swap.length) sections.push({ kind: 'table', title: 'Swapping layers l and l+1', columns, rows: rows(swap) });
  return sections;
}

/** Which layer sits at which relative depth, for captions (figures plot relative depth). */
export function layerDepths(rows: readonly { layer: number; relativeDepth: number }[]): string {
  return `Layers at relative depth: ${rows.map((r) => `${r.layer} → ${fmt(r.relativeDepth, 2)}`).join(', ')}.`;
}

export function lensSections(lens: LogitLensLayer[], marks?: FigureMark[]): ReportSection[] {
  const x = lens.map((r) => r.relativeDepth);
  const depth = { label: 'relative depth l / (L - 1)' };
  return [
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Logit-lens entropy after each block',
        x: depth,
        y: { label: 'entropy (bits)' },
        series: [{ name: 'logit lens', x, y: lens.map((r) => r.entropy), error: lens.map((r) => r.stderr.entropy) }],
        ...(marks ? { marks } : {}),
      },
      caption: `The residual after each block read out through the final norm (recomputed on that residual) and the unembedding. ${layerDepths(lens)}`,
    },
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Logit lens against the final distribution: KL',
        x: depth,
        y: { label: 'KL(final || lens) (nats)' },
        series: [{ name: 'KL(final || lens)', x, y: lens.map((r) => r.kl), error: lens.map((r) => r.stderr.kl) }],
      },
      caption: `KL is 0 after the last block by construction. ${layerDepths(lens)}`,
    },
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Logit lens against the final distribution: rank of the final top token',
        x: depth,
        y: { label: 'mean rank of the final top token + 1', scale: 'log' },
        series: [{ name: 'rank + 1', x, y: lens.map((r) => r.finalTopRank + 1), error: lens.map((r) => r.stderr.finalTopRank) }],
      },
      caption: `Rank 0 (plotted at 1) means the lens already puts the final prediction on top. ${layerDepths(lens)}`,
    },
    {
      kind: 'table',
      title: 'Logit lens per layer',
      columns: ['layer', 'relative depth', 'entropy (bits)', '± se', 'KL(final || lens)', 'rank of final top', 'top = final top', 'cross-entropy'],
      rows: lens.map((r) => [r.layer, fmt(r.relativeDepth, 2), fmt(r.entropy), fmt(r.stderr.entropy), fmt(r.kl, 4), fmt(r.finalTopRank, 2), pct(r.finalTopAgreement), fmt(r.crossEntropy)]),
    },
  ];
}

export function localitySections(loc: LayerLocality[], marks?: FigureMark[]): ReportSection[] {
  const K = loc[0]?.byOffset.length ?? 0;
  const x = loc.map((r) => r.relativeDepth);
  return [
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: `Attention on the previous ${K} tokens, pooled over heads`,
        x: { label: 'relative depth l / (L - 1)' },
        y: { label: 'mean attention weight' },
        series: [
          { name: `offsets 1..${K}`, x, y: loc.map((r) => r.total) },
          ...Array.from({ length: K }, (_, k) => ({ name: `offset ${k + 1}`, x, y: loc.map((r) => r.byOffset[k]) })),
        ],
        ...(marks ? { marks } : {}),
      },
      caption: layerDepths(loc),
    },
    {
      kind: 'figure',
      figure: {
        type: 'heatmap',
        title: 'Attention on each offset, per layer',
        x: { label: 'offset (tokens back)' },
        y: { label: 'layer' },
        xLabels: Array.from({ length: K }, (_, k) => String(k + 1)),
        yLabels: loc.map((r) => String(r.layer)),
        values: loc.map((r) => r.byOffset),
        colorLabel: 'mean attention',
      },
    },
    {
      kind: 'table',
      title: 'Attention locality per layer',
      columns: ['layer', 'relative depth', ...Array.from({ length: K }, (_, k) => `offset ${k + 1}`), `sum 1..${K}`, 'most local head (sum)'],
      rows: loc.map((r) => [r.layer, fmt(r.relativeDepth, 2), ...r.byOffset.map((v) => fmt(v)), fmt(r.total), fmt(Math.max(...r.perHead))]),
    },
  ];
}

export function neuronSections(layers: LayerNeuronCounts[], thresholds: { kurtosis: number; skew: number }, marks?: FigureMark[]): ReportSection[] {
  const x = layers.map((r) => r.relativeDepth);
  return [
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Prediction and suppression neurons per layer',
        x: { label: 'relative depth l / (L - 1)' },
        y: { label: 'fraction of the layer\'s neurons' },
        series: [
          { name: 'prediction (kurtosis > k, skew > s)', x, y: layers.map((r) => r.predictionFraction) },
          { name: 'suppression (kurtosis > k, skew < -s)', x, y: layers.map((r) => r.suppressionFraction) },
        ],
        ...(marks ? { marks } : {}),
      },
      caption: `k = ${thresholds.kurtosis}, s = ${thresholds.skew}; moments of cos(w_out, W_U columns) over the vocabulary. ${layerDepths(layers)}`,
    },
    {
      kind: 'table',
      title: 'Neuron counts per layer',
      columns: ['layer', 'relative depth', 'prediction', 'suppression', 'neurons', 'mean skew', 'mean kurtosis'],
      rows: layers.map((r) => [r.layer, fmt(r.relativeDepth, 2), r.prediction, r.suppression, r.total, fmt(r.meanSkew), fmt(r.meanKurtosis)]),
    },
  ];
}
