import { defineAnalysis, MarrUsageError, z, type HookedTransformer, type Report, type ReportSection } from '@marr/core';
import { mediatedFraction, meanAblationSweep } from '../ablation/mean-ablation.js';
import { defaultNullSpaceK, neuronGeometry } from '../geometry/neuron-geometry.js';
import { effectiveReadout } from '../readout/effective-unembedding.js';
import { cell, fmt, neuronName, pct } from '../report/format.js';
import { histogram } from '../report/histogram.js';
import { ablateParam, layerParam, nullSpaceKParam, textParams, topParam } from './params.js';
import { REFERENCES } from './references.js';
import { entropyNeuronsResults } from './results.js';
import { checkVocabulary, chooseAblated, median, prepareAblation, rankBy, rankByNullable, resolveLayer, windowsFromContext, type StudyIo } from './study.js';

export const entropyNeuronsParams = z.object({
  layer: layerParam,
  nullSpaceK: nullSpaceKParam,
  ...textParams,
  top: topParam,
  ablate: ablateParam,
});

export type EntropyNeuronsParams = z.output<typeof entropyNeuronsParams>;
export type EntropyNeuronsResults = z.output<typeof entropyNeuronsResults>;
type NeuronRow = EntropyNeuronsResults['neurons'][number];

/** The analysis on token windows (what `run` does after cutting the dataset). */
export async function entropyNeuronsStudy(model: HookedTransformer, windows: number[][], params: EntropyNeuronsParams, io: StudyIo, seed = 0): Promise<Report> {
  checkVocabulary(model);
  const layer = resolveLayer(model, params.layer);
  const d = model.config.dModel;
  const k = params.nullSpaceK ?? defaultNullSpaceK(d);
  if (k > d) throw new MarrUsageError(`--param nullSpaceK=${k} is larger than d_model = ${d}; pass a k from 1 to ${d}`);
  const readout = effectiveReadout(model, layer);
  const geometry = await neuronGeometry(readout.wOut, readout.W, k);
  const { run, mean, scored } = await prepareAblation(model, windows, layer, params.batchSize, io);
  const chosen = chooseAblated(geometry.nullSpaceFraction, params.ablate, seed);
  const sweep = await meanAblationSweep(readout, run, mean, scored, { direct: { kind: 'frozen-scale' }, neurons: chosen, signal: io.signal, progress: io.progress });
  const byNeuron = new Map(sweep.neurons.map((a) => [a.neuron, a]));
  const neurons: NeuronRow[] = Array.from({ length: readout.dMlp }, (_, j) => {
    const a = byNeuron.get(j);
    return {
      layer,
      neuron: j,
      norm: geometry.norm[j],
      logitVar: geometry.logitVar[j],
      nullSpaceFraction: geometry.nullSpaceFraction[j],
      meanActivation: mean[j],
      totalEffect: a ? a.totalEffect : null,
      directEffect: a ? a.directEffect : null,
      normMediatedFraction: a ? mediatedFraction(a.totalEffect, a.directEffect) : null,
      ablated: a !== undefined,
      lossChange: a ? a.lossChange : null,
      entropyChange: a ? a.entropyChange : null,
      directEntropyChange: a ? a.directEntropyChange : null,
      argmaxChangeFraction: a ? a.argmaxChangeFraction : null,
    };
  });
  const top = rankBy(geometry.nullSpaceFraction, Math.min(params.top, neurons.length));
  const results: EntropyNeuronsResults = {
    layer,
    nullSpaceK: k,
    singularValues: Array.from(geometry.singularValues),
    neurons,
    entropyNeurons: top,
    tokens: sweep.tokens,
    ablated: chosen.length,
    windows: windows.length,
    cleanLoss: sweep.cleanLoss,
    cleanEntropy: sweep.cleanEntropy,
    units: { loss: 'nats', entropy: 'nats' },
  };
  return { summary: entropySummary(results, model), results, sections: entropySections(results, model) };
}

function entropySummary(r: EntropyNeuronsResults, model: HookedTransformer): string {
  const top = r.entropyNeurons.slice(0, 3).map((j) => r.neurons[j]);
  const fractions = r.neurons.map((n) => n.normMediatedFraction).filter((x): x is number => x !== null);
  const bigTotal = rankByNullable(r.neurons.map((n) => n.totalEffect), Math.min(10, r.neurons.length)).map((j) => r.neurons[j]);
  const lnNote = model.config.normType === 'layernorm' ? ' (LayerNorm: one of the k directions is the all-ones direction the norm removes, on which every centred w_out has zero weight)' : '';
  return (
    `Layer ${r.layer} has ${r.neurons.length} neurons; with the ${r.nullSpaceK} smallest singular directions of the effective unembedding as its null space${lnNote}, ` +
    `the neurons writing most into it are ` +
    top.map((n) => `${neuronName(n.layer, n.neuron)} (null-space fraction ${fmt(n.nullSpaceFraction, 2)}, norm ${fmt(n.norm, 2)}, LogitVar ${fmt(n.logitVar, 4)})`).join(', ') +
    `. Mean-ablating ${r.ablated === r.neurons.length ? 'each' : `${r.ablated} of them (the top by null-space fraction and as many random ones)`} over ${r.tokens} scored tokens: ` +
    top.map((n) => `${neuronName(n.layer, n.neuron)} changes the loss by ${fmt(n.totalEffect, 4)} nats (${pct(n.normMediatedFraction)} through the final norm's scale, entropy ${(n.entropyChange ?? 0) >= 0 ? '+' : ''}${fmt(n.entropyChange, 4)})`).join('; ') +
    `. Over the ablated neurons the median norm-mediated fraction is ${pct(median(fractions))}; among the 10 with the largest total effect it is ${pct(median(bigTotal.map((n) => n.normMediatedFraction ?? 0)))}.`
  );
}

function entropySections(r: EntropyNeuronsResults, model: HookedTransformer): ReportSection[] {
  const topSet = new Set(r.entropyNeurons);
  const rest = r.neurons.filter((n) => !topSet.has(n.neuron));
  const tops = r.entropyNeurons.map((j) => r.neurons[j]);
  const hist = histogram(r.neurons.map((n) => n.nullSpaceFraction), 20, 0, 1);
  const tableRows = (rows: NeuronRow[]) =>
    rows.map((n) => [
      neuronName(n.layer, n.neuron), cell(n.nullSpaceFraction), cell(n.norm), cell(n.logitVar), cell(n.meanActivation),
      cell(n.totalEffect), cell(n.directEffect), cell(n.normMediatedFraction), cell(n.entropyChange), cell(n.argmaxChangeFraction),
    ]);
  const columns = ['neuron', 'null-space fraction', 'norm', 'LogitVar', 'mean activation', 'total |dL|', 'direct |dL|', 'norm-mediated', 'dEntropy', 'argmax changed'];
  const byTotal = rankByNullable(r.neurons.map((n) => n.totalEffect), Math.min(r.entropyNeurons.length, r.neurons.length)).map((j) => r.neurons[j]);
  const ablatedRest = rest.filter((n) => n.ablated), ablatedTops = tops.filter((n) => n.ablated);
  return [
    {
      kind: 'scalars',
      title: 'Clean model on the scored tokens',
      items: [
        { name: 'loss', value: r.cleanLoss, unit: 'nats' },
        { name: 'entropy', value: r.cleanEntropy, unit: 'nats' },
        { name: 'neurons ablated', value: r.ablated, help: `of ${r.neurons.length}` },
        { name: 'scored tokens', value: r.tokens, help: `${r.windows} windows; positions < 3, the last, BOS/EOS/newline and the token before each excluded` },
        { name: 'null-space k', value: r.nullSpaceK, help: `of d_model = ${model.config.dModel}` },
      ],
    },
    {
      kind: 'figure',
      figure: {
        type: 'scatter',
        title: `Norm against LogitVar, layer ${r.layer}`,
        x: { label: '||w_out||' },
        y: { label: 'LogitVar (variance of cos(w_out, W_U columns))', scale: 'log' },
        series: [
          { name: 'neurons', x: rest.map((n) => n.norm), y: rest.map((n) => Math.max(n.logitVar, 1e-12)) },
          { name: `top ${tops.length} by null-space fraction`, x: tops.map((n) => n.norm), y: tops.map((n) => Math.max(n.logitVar, 1e-12)) },
        ],
      },
      caption: 'Entropy neurons sit bottom right: a large output norm whose direction hardly varies across tokens\' unembeddings.',
    },
    {
      kind: 'figure',
      figure: {
        type: 'bar',
        title: `Null-space fraction ||U_k^T w_out|| / ||w_out|| (k = ${r.nullSpaceK})`,
        x: { label: 'null-space fraction' },
        y: { label: 'neurons' },
        categories: hist.categories,
        series: [{ name: 'neurons', values: hist.counts }],
      },
      caption: `A random direction would put about sqrt(k / d) = ${fmt(Math.sqrt(r.nullSpaceK / model.config.dModel), 2)} of its norm there.`,
    },
    {
      kind: 'figure',
      figure: {
        type: 'scatter',
        title: 'Total against direct effect of mean ablation',
        x: { label: 'total effect, mean |dLoss| (nats)' },
        y: { label: 'direct effect, mean |dLoss| with the norm scale frozen (nats)' },
        series: [
          { name: 'neurons', x: ablatedRest.map((n) => n.totalEffect!), y: ablatedRest.map((n) => n.directEffect!) },
          { name: `top ${tops.length} by null-space fraction`, x: ablatedTops.map((n) => n.totalEffect!), y: ablatedTops.map((n) => n.directEffect!) },
        ],
      },
      caption: 'Neurons far below the diagonal act through the final norm\'s scale (norm-mediated); on the diagonal they act directly on the logits.',
    },
    {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Singular values of the effective unembedding',
        x: { label: 'index (descending)' },
        y: { label: 'singular value', scale: 'log' },
        series: [{ name: 'singular value', x: r.singularValues.map((_, i) => i), y: r.singularValues.map((s) => Math.max(s, 1e-12)) }],
        marks: [{ kind: 'band', from: r.singularValues.length - r.nullSpaceK - 0.5, to: r.singularValues.length - 0.5, label: `null space (k = ${r.nullSpaceK})` }],
      },
      caption: 'Choose nullSpaceK where the spectrum drops: the directions after the drop barely reach the logits.',
    },
    { kind: 'table', title: `Top ${tops.length} neurons by null-space fraction`, columns, rows: tableRows(tops) },
    { kind: 'table', title: `Top ${byTotal.length} neurons by total effect`, columns, rows: tableRows(byTotal) },
  ];
}

export const entropyNeuronsAnalysis = defineAnalysis({
  id: 'entropy-neurons',
  title: 'Entropy neurons',
  level: 'implementational',
  summary: "Neurons that write into the unembedding's null space and change the output entropy through the final norm (Stolfo, Wu, Gurnee et al. 2024)",
  description:
    'For every neuron of one layer (default the last): the norm of w_out, LogitVar (the variance over the vocabulary of its cosine with the effective unembedding\'s columns) and the ' +
    'null-space fraction ||U_k^T w_out|| / ||w_out||, U_k the k left singular vectors of the effective unembedding with the smallest singular values (TransformerLens-processed weights). ' +
    'Then each neuron is mean-ablated on a text dataset: (mean - activation) w_out is added to the final residual, the total effect recomputes the final norm, the direct effect ' +
    'freezes its scale at the clean value; mean |dLoss| of both, the norm-mediated fraction 1 - direct / total, the entropy change and how often the argmax changes, over positions ' +
    '>= 3 that are not the last, not BOS/EOS/newline and not just before one.',
  references: REFERENCES,
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: true, description: 'text on which the neurons are mean-ablated' },
    capabilities: ['tokenizer'],
  },
  params: entropyNeuronsParams,
  results: entropyNeuronsResults,
  async run(ctx) {
    const model = ctx.models[0];
    const windows = windowsFromContext(ctx, model, ctx.params);
    return entropyNeuronsStudy(model, windows, ctx.params, ctx, ctx.seed);
  },
});
