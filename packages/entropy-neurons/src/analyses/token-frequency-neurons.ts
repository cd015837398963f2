import { defineAnalysis, matmul, MarrUsageError, z, type HookedTransformer, type Report, type ReportSection } from '@marr/core';
import { mediatedFraction, meanAblationSweep } from '../ablation/mean-ablation.js';
import { unigramCountsKind } from '../frequency/counts-file.js';
import { cosinesWith, frequencyDirection, smoothedUnigram, unigramFromTokens } from '../frequency/unigram.js';
import { effectiveReadout } from '../readout/effective-unembedding.js';
import { cell, fmt, neuronName, pct } from '../report/format.js';
import { ablateParam, layerParam, textParams, topParam } from './params.js';
import { REFERENCES } from './references.js';
import { tokenFrequencyNeuronsResults } from './results.js';
import { chooseAblated, median, prepareAblation, rankBy, resolveLayer, windowsFromContext, type StudyIo } from './study.js';

export const tokenFrequencyNeuronsParams = z.object({
  layer: layerParam,
  ...textParams,
  top: topParam,
  ablate: ablateParam,
});

export type TokenFrequencyNeuronsParams = z.output<typeof tokenFrequencyNeuronsParams>;
export type TokenFrequencyNeuronsResults = z.output<typeof tokenFrequencyNeuronsResults>;
type Row = TokenFrequencyNeuronsResults['neurons'][number];

export interface UnigramSource {
  counts: ArrayLike<number>;
  source: 'dataset' | 'counts-file';
}

/**
 * The analysis on token windows. `unigram`: the counts (default: the windows' own tokens).
 */
export async function tokenFrequencyNeuronsStudy(
  model: HookedTransformer, windows: number[][], params: TokenFrequencyNeuronsParams, io: StudyIo, unigram?: UnigramSource, seed = 0,
): Promise<Report> {
  const layer = resolveLayer(model, params.layer);
  const V = model.config.dVocab;
  const src = unigram ?? { counts: unigramFromTokens(windows, V), source: 'dataset' as const };
  if (src.counts.length !== V) {
    throw new MarrUsageError(`the unigram counts have ${src.counts.length} entries but the model's vocabulary has ${V}; give one count per token id`);
  }
  let counted = 0;
  for (let i = 0; i < V; i++) counted += src.counts[i];
  const q = smoothedUnigram(src.counts);
  const f = frequencyDirection(q);
  const readout = effectiveReadout(model, layer);
  const { dMlp: n, dModel: d } = readout;
  // frequencyScore: cos(w_out W, f), in chunks of neurons.
  const score = new Float64Array(n);
  const norm = new Float64Array(n);
  const chunk = Math.max(1, Math.floor(4_000_000 / V));
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk);
    const U = await matmul({ dtype: 'float32', shape: [e - s, d], data: readout.wOut.data.subarray(s * d, e * d) }, readout.W);
    score.set(cosinesWith(U.data, e - s, V, f), s);
  }
  for (let j = 0; j < n; j++) {
    let ss = 0;
    for (let i = 0; i < d; i++) ss += readout.wOut.data[j * d + i] ** 2;
    norm[j] = Math.sqrt(ss);
  }
  const { run, mean, scored } = await prepareAblation(model, windows, layer, params.batchSize, io);
  const chosen = chooseAblated(Array.from(score, Math.abs), params.ablate, seed);
  const sweep = await meanAblationSweep(readout, run, mean, scored, { direct: { kind: 'frozen-projection', f, q }, neurons: chosen, signal: io.signal, progress: io.progress });
  const byNeuron = new Map(sweep.neurons.map((a) => [a.neuron, a]));
  const neurons: Row[] = Array.from({ length: n }, (_, j) => {
    const a = byNeuron.get(j);
    return {
      layer,
      neuron: j,
      norm: norm[j],
      frequencyScore: score[j],
      meanActivation: mean[j],
      totalEffect: a ? a.totalEffect : null,
      directEffect: a ? a.directEffect : null,
      frequencyMediatedFraction: a ? mediatedFraction(a.totalEffect, a.directEffect) : null,
      ablated: a !== undefined,
      klChange: a ? a.klChange : null,
      directKlChange: a ? a.directKlChange : null,
      entropyChange: a ? a.entropyChange : null,
    };
  });
  const top = rankBy(Array.from(score, Math.abs), Math.min(params.top, n));
  const results: TokenFrequencyNeuronsResults = {
    layer,
    neurons,
    frequencyNeurons: top,
    unigram: { source: src.source, tokens: counted, smoothing: 1 },
    tokens: sweep.tokens,
    ablated: chosen.length,
    windows: windows.length,
    cleanLoss: sweep.cleanLoss,
    cleanKl: sweep.cleanKl ?? 0,
    units: { loss: 'nats', kl: 'nats' },
  };
  return { summary: frequencySummary(results), results, sections: frequencySections(results) };
}

function frequencySummary(r: TokenFrequencyNeuronsResults): string {
  const top = r.frequencyNeurons.slice(0, 3).map((j) => r.neurons[j]);
  const fr = r.neurons.map((x) => x.frequencyMediatedFraction).filter((x): x is number => x !== null);
  return (
    `The unigram distribution comes from ${fmt(r.unigram.tokens, 0)} tokens (${r.unigram.source === 'dataset' ? 'of the dataset' : 'of the counts file'}, +1 smoothing); clean KL(unigram || model) is ${fmt(r.cleanKl, 3)} nats. ` +
    `The layer-${r.layer} neurons whose output is most aligned with the frequency direction are ` +
    top.map((x) => `${neuronName(x.layer, x.neuron)} (cos ${fmt(x.frequencyScore, 3)})`).join(', ') +
    `. Mean-ablated ${r.ablated === r.neurons.length ? '' : `(${r.ablated} neurons: the top by |frequency score| and as many random ones) `}over ${r.tokens} scored tokens, ` +
    top.map((x) => `${neuronName(x.layer, x.neuron)} changes the loss by ${fmt(x.totalEffect, 4)} nats, ${pct(x.frequencyMediatedFraction)} of it through the frequency direction, and KL(unigram || model) by ${(x.klChange ?? 0) >= 0 ? '+' : ''}${fmt(x.klChange, 4)}`).join('; ') +
    `. The median frequency-mediated fraction over the ablated neurons is ${pct(median(fr))}.`
  );
}

function frequencySections(r: TokenFrequencyNeuronsResults): ReportSection[] {
  const topSet = new Set(r.frequencyNeurons);
  const rest = r.neurons.filter((x) => !topSet.has(x.neuron));
  const tops = r.frequencyNeurons.map((j) => r.neurons[j]);
  const ablatedRest = rest.filter((x) => x.ablated), ablatedTops = tops.filter((x) => x.ablated);
  const columns = ['neuron', 'frequency score', 'norm', 'mean activation', 'total |dL|', 'direct |dL|', 'frequency-mediated', 'dKL(unigram || model)', 'dKL direct', 'dEntropy'];
  const rows = (xs: Row[]) =>
    xs.map((x) => [neuronName(x.layer, x.neuron), cell(x.frequencyScore), cell(x.norm), cell(x.meanActivation), cell(x.totalEffect), cell(x.directEffect), cell(x.frequencyMediatedFraction), cell(x.klChange), cell(x.directKlChange), cell(x.entropyChange)]);
  return [
    {
      kind: 'scalars',
      title: 'Clean model on the scored tokens',
      items: [
        { name: 'loss', value: r.cleanLoss, unit: 'nats' },
        { name: 'KL(unigram || model)', value: r.cleanKl, unit: 'nats' },
        { name: 'scored tokens', value: r.tokens, help: `${r.windows} windows` },
        { name: 'neurons ablated', value: r.ablated, help: `of ${r.neurons.length}` },
        { name: 'unigram tokens counted', value: r.unigram.tokens },
      ],
    },
    {
      kind: 'figure',
      figure: {
        type: 'scatter',
        title: 'Frequency score against the change of KL(unigram || model)',
        x: { label: 'cos(w_out W_U, frequency direction)' },
        y: { label: 'mean dKL(unigram || model) when ablated (nats)' },
        series: [
          { name: 'neurons', x: ablatedRest.map((x) => x.frequencyScore), y: ablatedRest.map((x) => x.klChange!) },
          { name: `top ${tops.length} by |frequency score|`, x: ablatedTops.map((x) => x.frequencyScore), y: ablatedTops.map((x) => x.klChange!) },
        ],
      },
      caption: 'Token-frequency neurons push the output toward (or away from) the unigram distribution: ablating them moves KL(unigram || model).',
    },
    {
      kind: 'figure',
      figure: {
        type: 'scatter',
        title: 'Total against direct effect (projection on the frequency direction restored)',
        x: { label: 'total effect, mean |dLoss| (nats)' },
        y: { label: 'direct effect, mean |dLoss| (nats)' },
        series: [
          { name: 'neurons', x: ablatedRest.map((x) => x.totalEffect!), y: ablatedRest.map((x) => x.directEffect!) },
          { name: `top ${tops.length} by |frequency score|`, x: ablatedTops.map((x) => x.totalEffect!), y: ablatedTops.map((x) => x.directEffect!) },
        ],
      },
      caption: 'Below the diagonal: the effect goes through the frequency direction.',
    },
    { kind: 'table', title: `Top ${tops.length} neurons by |frequency score|`, columns, rows: rows(tops) },
  ];
}

export const tokenFrequencyNeuronsAnalysis = defineAnalysis({
  id: 'token-frequency-neurons',
  title: 'Token-frequency neurons',
  level: 'implementational',
  summary: 'Neurons that move the output along the unigram log-frequency direction, and how much of their ablation effect goes through it (Stolfo, Wu, Gurnee et al. 2024)',
  description:
    'The unigram distribution comes from the dataset\'s token counts (or --input counts=<file>), +1 smoothed; the frequency direction u is its centred log-frequency in logit space, unit norm. ' +
    'Each neuron of the layer (default the last) gets frequencyScore = cos(w_out W_U, u) on TransformerLens-processed weights. Each is mean-ablated (added to the final residual, the norm recomputed): ' +
    'the total effect is mean |dLoss|, the direct effect the same with the logits\' projection on u restored to its clean value; the change of KL(unigram || model) is tracked both ways.',
  references: REFERENCES,
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: true, description: 'text on which the neurons are mean-ablated (and whose tokens are counted unless a counts file is given)' },
    files: { counts: { kind: unigramCountsKind, description: 'token counts indexed by token id (a JSON array or one number per line) instead of the dataset\'s own counts' } },
    capabilities: ['tokenizer'],
  },
  params: tokenFrequencyNeuronsParams,
  results: tokenFrequencyNeuronsResults,
  async run(ctx) {
    const model = ctx.models[0];
    const windows = windowsFromContext(ctx, model, ctx.params);
    const file = ctx.inputs.counts?.[0];
    let unigram: UnigramSource | undefined;
    if (file) {
      unigram = { counts: file.value as Float64Array, source: 'counts-file' };
    } else if (ctx.data && ctx.data.kind === 'text' && model.tokenizer) {
      // Every token of every document, not only the windows that are ablated.
      const seqs = ctx.data.documents.map((doc) => model.tokenizer!.encode(doc, { addBos: false }));
      unigram = { counts: unigramFromTokens(seqs, model.config.dVocab), source: 'dataset' };
    }
    return tokenFrequencyNeuronsStudy(model, windows, ctx.params, ctx, unigram, ctx.seed);
  },
});
