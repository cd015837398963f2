/**
 * `probe-sweep` (algorithmic): how several features are represented across depth and sparsity. For
 * each feature (one label value against the rest, or each position boundary) and each layer, a k sweep
 * with the chosen rankers; reports F1 by layer and k, the best layer, and the best single neuron per
 * layer.
 */
import { defineAnalysis, MarrUsageError, z, type JsonValue, type Report, type ReportSection } from '@marr/core';
import { labelledFeatures } from '../data/feature-matrix.js';
import { binarize, labelValues, positiveClass } from '../datasets/labels.js';
import { RANKERS } from '../rankers/rank-features.js';
import { kSweep, type ByKResult } from '../probe/k-sweep.js';
import { bestSingleFeature } from '../probe/layer-sweep.js';
import { prepareSplit } from '../probe/prepare.js';
import { byKTable, layerLabel, sections } from '../report/figures.js';
import { buildProbeInputs } from './build-inputs.js';
import { probeInputParams, probeInputs } from './input-params.js';
import { probeSweepResults } from './results.js';

const params = z.object({
  ...probeInputParams,
  methods: z.array(z.enum(RANKERS)).default(['mean-diff']).describe(`rankers to sweep: ${RANKERS.join(', ')}`),
  kValues: z.array(z.number().int().min(1)).default([1, 2, 4, 8, 16, 32]).describe('k values'),
  features: z
    .array(z.string())
    .default([])
    .describe('label values to probe, each against the rest (default: every value, or the positive class when there are two)'),
});

const round = (v: number): number => Number(v.toFixed(4));

export const probeSweep = defineAnalysis({
  id: 'probe-sweep',
  title: 'Probe accuracy across features, layers and sparsity',
  level: 'algorithmic',
  summary: 'Sparse-probe F1 against k and layer for several features at once, with the best layer and single neuron per layer',
  description:
    'For each feature (a label value against the rest) and each probed layer, fits L2 logistic probes on the top-k neurons of each ranker ' +
    '(seeded 70/30 split, standardised neurons, balanced classes) and reports test F1 by layer and k, the best layer, and the best single neuron per layer.',
  references: [{ title: 'Gurnee et al., Finding Neurons in a Haystack (2023)', url: 'https://arxiv.org/abs/2305.01610' }],
  inputs: probeInputs,
  params,
  results: probeSweepResults,
  async run(ctx): Promise<Report> {
    const p = ctx.params;
    const inputs = await buildProbeInputs(ctx);
    const values = labelValues(inputs.labels);
    const features =
      p.features.length > 0
        ? p.features
        : p.positive
          ? [p.positive]
          : values.length === 2
            ? [positiveClass(inputs.labels, inputs.defaultPositive)]
            : values;
    for (const f of features) {
      if (!values.includes(f)) throw new MarrUsageError(`feature "${f}" is not a label value (${values.join(', ')}); set features= or positive= to one of them`);
    }
    const out: { [key: string]: JsonValue }[] = [];
    const byKAll: (ByKResult & { feature: string; layer: string })[] = [];
    const figs: ReportSection[] = [];
    ctx.progress.start('features x layers', features.length * inputs.layers.length);
    for (const feature of features) {
      const labels = binarize(inputs.labels, feature);
      const layers: { [key: string]: JsonValue }[] = [];
      const grid: number[][] = [];
      let kUsed: number[] = [];
      let bestLayer = { hookPoint: '', f1: -1, k: 0 };
      for (const layer of inputs.layers) {
        const { train, test } = prepareSplit(labelledFeatures(layer.x, layer.names, labels), { seed: ctx.seed, testFraction: p.testFraction });
        const sweep = await kSweep(train, test, { methods: p.methods, kValues: p.kValues, C: p.C, seed: ctx.seed });
        const single = bestSingleFeature(train, test, p.C);
        kUsed = [...new Set(sweep.byK.map((r) => r.k))].sort((a, b) => a - b);
        // Best F1 over methods at each k.
        const row = kUsed.map((k) => Math.max(...sweep.byK.filter((r) => r.k === k).map((r) => r.f1)));
        grid.push(row);
        const top = Math.max(...row);
        if (top > bestLayer.f1) bestLayer = { hookPoint: layer.hookPoint, f1: top, k: kUsed[row.indexOf(top)] };
        layers.push({
          hookPoint: layer.hookPoint,
          layer: layer.layer,
          bestNeuron: train.names[single.index],
          bestNeuronF1: single.f1,
          f1ByK: kUsed.map((k, i) => ({ k, f1: row[i] })),
        });
        for (const r of sweep.byK) byKAll.push({ ...r, feature, layer: layer.hookPoint });
        ctx.progress.tick();
      }
      out.push({ feature, bestLayer: bestLayer.hookPoint, bestF1: bestLayer.f1, bestK: bestLayer.k, layers });
      figs.push({
        kind: 'figure',
        figure: {
          type: 'heatmap',
          title: `"${feature}": test F1 by layer and k`,
          x: { label: 'k' },
          y: { label: 'layer' },
          xLabels: kUsed.map(String),
          yLabels: inputs.layers.map(layerLabel),
          values: grid.map((r) => r.map(round)),
          colorLabel: 'F1',
        },
      });
    }
    ctx.progress.done();
    const lines = out.map((f) => `"${f.feature}": best F1 ${(f.bestF1 as number).toFixed(3)} at ${f.bestLayer} with k=${f.bestK}`);
    return {
      summary: `Probe sweep over ${features.length} feature(s) and ${inputs.layers.length} layer(s) (${inputs.source}). ${lines.join('; ')}.`,
      results: { features: out, byK: byKAll.map((r) => ({ ...r })) },
      sections: sections(
        {
          kind: 'figure',
          figure: {
            type: 'line',
            title: 'Best-layer F1 against k',
            x: { label: 'k', scale: 'log' },
            y: { label: 'test F1', domain: [0, 1] },
            series: out.map((f) => {
              const layer = (f.layers as { hookPoint: string; f1ByK: { k: number; f1: number }[] }[]).find((l) => l.hookPoint === f.bestLayer)!;
              return { name: String(f.feature), x: layer.f1ByK.map((e) => e.k), y: layer.f1ByK.map((e) => round(e.f1)) };
            }),
          },
        },
        ...figs,
        {
          kind: 'table',
          title: 'Best single neuron per layer and feature',
          columns: ['feature', 'hook point', 'neuron', 'F1'],
          rows: out.flatMap((f) =>
            (f.layers as { hookPoint: string; bestNeuron: string; bestNeuronF1: number }[]).map((l) => [String(f.feature), l.hookPoint, l.bestNeuron, round(l.bestNeuronF1)]),
          ),
        },
        { ...byKTable(byKAll), title: 'All probes (feature, layer, method, k)' },
      ),
    };
  },
});
