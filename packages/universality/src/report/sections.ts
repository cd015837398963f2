/** The report: summary, per-layer table, excess distribution, top universal neurons, statistics and families. */
import type { FigureSection, Report, ReportSection, TableSection } from '@marr/core';
import type { NeuronResult, UniversalNeuronsResults } from '../analyses/results.js';
import { FAMILIES } from '../families/families.js';
import { fmt, pct } from './format.js';

const STAT_LABELS: [keyof NeuronResult['stats'], string][] = [
  ['wInNorm', '||w_in||'], ['inputBias', 'input bias'], ['wOutNorm', '||w_out||'], ['inOutCos', 'cos(w_in, w_out)'],
  ['actMean', 'activation mean'], ['actVar', 'activation variance'], ['actSkew', 'activation skew'], ['actKurtosis', 'activation kurtosis'],
  ['firingFrequency', 'firing frequency'], ['vocabMean', 'vocab cos mean'], ['vocabVar', 'vocab cos variance'], ['vocabSkew', 'vocab cos skew'], ['vocabKurtosis', 'vocab cos kurtosis'],
];

/** A rounded number, or null where a group is empty. */
const orNull = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);

const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
const std = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
};

/** Per statistic: mean over universal and other neurons, and their difference in standard deviations of all neurons. */
export function statisticContrast(neurons: readonly NeuronResult[]): { stat: string; label: string; universal: number; others: number; effect: number }[] {
  const u = neurons.filter((v) => v.universal);
  const o = neurons.filter((v) => !v.universal);
  return STAT_LABELS.map(([stat, label]) => {
    const all = neurons.map((v) => v.stats[stat]);
    const mu = mean(u.map((v) => v.stats[stat]));
    const mo = mean(o.map((v) => v.stats[stat]));
    const sd = std(all);
    return { stat, label, universal: mu, others: mo, effect: sd > 0 && u.length > 0 && o.length > 0 ? (mu - mo) / sd : 0 };
  });
}

function excessHistogram(results: UniversalNeuronsResults): FigureSection {
  const lo = Math.min(-0.1, ...results.neurons.map((v) => v.excess));
  const hi = Math.max(1, ...results.neurons.map((v) => v.excess));
  const bins = 30;
  const width = (hi - lo) / bins;
  const centres = Array.from({ length: bins }, (_, b) => Number((lo + (b + 0.5) * width).toFixed(4)));
  const series = results.layers.map(({ layer }) => {
    const counts = new Array<number>(bins).fill(0);
    for (const v of results.neurons) if (v.layer === layer) counts[Math.min(bins - 1, Math.floor((v.excess - lo) / width))]++;
    return { name: `layer ${layer}`, x: centres, y: counts };
  });
  return {
    kind: 'figure',
    figure: {
      type: 'line', title: 'Excess correlation of model 1\'s neurons, per layer',
      x: { label: 'excess = mean max correlation - mean baseline max correlation' }, y: { label: 'neurons' }, series,
      marks: [{ kind: 'rule', from: results.threshold, label: `universal above ${results.threshold}` }],
    },
    caption: `Histogram (${bins} bins) of each neuron's excess: its best correlation with any neuron of ${results.models === 2 ? 'the other model' : `each other model, averaged over the ${results.models - 1} other models,`} minus the same for randomly rotated activations.`,
  };
}

export function universalitySections(results: UniversalNeuronsResults, vocabulary: readonly string[] | null, top: number, specs: readonly string[] | null): ReportSection[] {
  const sections: ReportSection[] = [];
  const total = results.neurons.length;
  sections.push({
    kind: 'scalars', title: 'Universal neurons',
    items: [
      { name: 'models', value: results.models, help: 'model 1 is compared with each of the others' },
      { name: 'tokens', value: results.tokens, help: 'kept positions (BOS, EOS and newline dropped)' },
      { name: 'neurons compared', value: total },
      { name: 'universal', value: results.universal },
      { name: 'universal share', value: results.percent, unit: '%' },
    ],
  });
  sections.push({
    kind: 'table', title: 'Universal neurons per layer of model 1',
    columns: ['layer', 'neurons', 'universal', '% universal', 'mean excess'],
    rows: results.layers.map((l) => [l.layer, l.neurons, l.universal, Number(l.percent.toFixed(2)), Number(l.meanExcess.toFixed(4))]),
  });
  sections.push(excessHistogram(results));
  sections.push({
    kind: 'figure',
    figure: {
      type: 'bar', title: 'Share of universal neurons per layer', x: { label: 'layer' }, y: { label: '% universal' },
      categories: results.layers.map((l) => String(l.layer)), series: [{ name: 'universal', values: results.layers.map((l) => l.percent) }],
    },
    caption: 'The paper finds 1-5% universal neurons in GPT-2 and Pythia models, concentrated in the first layers and the last.',
  });
  const ranked = [...results.neurons].sort((a, b) => b.excess - a.excess || a.layer - b.layer || a.neuron - b.neuron);
  const tokenOf = (id: number) => (id >= 0 && vocabulary ? vocabulary[id] ?? String(id) : '');
  const topTable: TableSection = {
    kind: 'table', title: `The ${Math.min(top, ranked.length)} neurons with the highest excess`,
    columns: ['neuron', 'mean max corr', 'baseline', 'excess', 'universal', 'partners (layer.neuron)', 'families', 'best token (VR)', 'best previous token (VR)'],
    rows: ranked.slice(0, top).map((v) => [
      `${v.layer}.${v.neuron}`, Number(v.maxCorr.toFixed(4)), Number(v.baselineMaxCorr.toFixed(4)), Number(v.excess.toFixed(4)), v.universal,
      v.partners.map((p) => `${p.layer}.${p.neuron}`).join(', '), v.families.join(', '),
      v.explanation && v.explanation.token >= 0 ? `${tokenOf(v.explanation.token)} (${fmt(v.explanation.tokenReduction, 2)})` : '',
      v.explanation && v.explanation.previousToken >= 0 ? `${tokenOf(v.explanation.previousToken)} (${fmt(v.explanation.previousTokenReduction, 2)})` : '',
    ]),
  };
  sections.push(topTable);
  const contrast = statisticContrast(results.neurons);
  sections.push({
    kind: 'table', title: 'Statistics of universal and other neurons',
    columns: ['statistic', 'universal (mean)', 'others (mean)', 'difference (SD of all neurons)'],
    rows: contrast.map((c) => [c.label, orNull(c.universal), orNull(c.others), Number(c.effect.toFixed(3))]),
  });
  if (results.universal > 0 && results.universal < total) {
    sections.push({
      kind: 'figure',
      figure: {
        type: 'bar', title: 'Universal minus other neurons, per statistic', x: { label: 'statistic' }, y: { label: 'difference in SD of all neurons' },
        categories: contrast.map((c) => c.label), series: [{ name: 'universal - others', values: contrast.map((c) => Number(c.effect.toFixed(4))) }],
      },
      caption: 'Positive: universal neurons have a larger value. In GPT-2 the paper finds universal neurons sparser (lower firing frequency), with larger weight norms, more negative input bias, and higher activation skew and kurtosis.',
    });
  }
  sections.push({
    kind: 'table', title: 'Neuron families',
    columns: ['family', 'neurons', 'universal', '% of family universal'],
    rows: FAMILIES.map((f) => [f, results.families[f].all, results.families[f].universal, results.families[f].all ? Number(((100 * results.families[f].universal) / results.families[f].all).toFixed(1)) : 0]),
  });
  sections.push({
    kind: 'note', title: 'Method',
    text:
      `Pearson correlation of every neuron of model 1${specs ? ` (${specs[0]})` : ''} with every neuron of every layer of each other model, from float64 running sums over ${results.tokens} token positions ` +
      `(BOS, EOS and newline positions dropped); the cross products are matrix products per batch. Baseline: each other model's activations times a seeded Gaussian matrix with unit-norm rows, per layer. ` +
      `Families: prediction / suppression = vocabulary kurtosis of cos(w_out, W_U) above the threshold with positive / negative skew; unigram / previous-token = one (previous) token's indicator explains over half the variance; position = the position does. ` +
      'Alphabet, syntax, semantic, partition, entropy and attention families need annotations or interventions and are not computed.',
  });
  return sections;
}

export function universalitySummary(results: UniversalNeuronsResults): string {
  const total = results.neurons.length;
  const byLayer = results.layers.map((l) => `layer ${l.layer} ${pct(l.percent)}`).join(', ');
  const contrast = statisticContrast(results.neurons).filter((c) => Math.abs(c.effect) > 0).sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect)).slice(0, 3);
  const where = results.layers.length > 1 && results.universal > 0
    ? ` The most universal layer is ${[...results.layers].sort((a, b) => b.percent - a.percent || a.layer - b.layer)[0].layer}.`
    : '';
  const stats = results.universal > 0 && results.universal < total && contrast.length
    ? ` Universal neurons differ most in ${contrast.map((c) => `${c.label} (${c.effect > 0 ? '+' : ''}${fmt(c.effect, 2)} SD)`).join(', ')}.`
    : '';
  return (
    `${results.universal} of model 1's ${total} neurons (${pct(results.percent)}) are universal across ${results.models} models: their best correlation with a neuron of ` +
    `${results.models === 2 ? 'the other model' : `each other model, averaged over the ${results.models - 1} other models,`} exceeds that with randomly rotated activations by more than ${results.threshold} (over ${results.tokens} tokens). By layer: ${byLayer}.${where}${stats} ` +
    'The paper reports 1-5% for GPT-2 and Pythia, concentrated in the first layers and the last.'
  );
}

export function universalityReport(results: UniversalNeuronsResults, vocabulary: readonly string[] | null, top: number): Report {
  return { summary: universalitySummary(results), results: results as unknown as Report['results'], sections: universalitySections(results, vocabulary, top, null) };
}
