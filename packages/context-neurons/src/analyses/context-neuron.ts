/**
 * `context-neuron`: find the German neuron, measure what ablating it costs on German and English text,
 * split the cost into the neuron's direct path and the path through later components, and mine the
 * German trigrams that depend on it (Quirke et al. 2023).
 */
import { defineAnalysis, z, type HookedTransformer, type Report } from '@marr/core';
import { fmt, neuronName, signed, trigramText } from '../report/format.js';
import { lossSection, neuronTable, ngramTable, ngramTextSection, pathSections, probeScatter, topNeuronsPerLayer } from '../report/sections.js';
import { languageWindows, LANGUAGE_FILES, type LanguageWindows } from './language-windows.js';
import { ablate, locate, ngrams, type MeasureIo } from './measure.js';
import { locateParams, ngramParams } from './params.js';
import { REFERENCES } from './references.js';
import { contextNeuronResults } from './results.js';

export const contextNeuronParams = z.object({
  ...locateParams,
  ...ngramParams,
  topNeurons: z.number().int().min(1).default(5).describe('Neurons per layer in the probe table and results.topNeurons.'),
  topNgrams: z.number().int().min(0).default(8).describe('Validated trigrams shown as coloured text.'),
});

export type ContextNeuronParams = z.output<typeof contextNeuronParams>;

const neuronResult = (p: { layer: number; neuron: number; f1: number; mcc: number; meanGerman: number; meanEnglish: number }, minF1: number) => ({
  layer: p.layer, neuron: p.neuron, f1: p.f1, mcc: p.mcc, meanGerman: p.meanGerman, meanEnglish: p.meanEnglish,
  candidate: p.f1 > minF1 && p.meanGerman > p.meanEnglish,
});

/** The analysis on token windows (what `run` does after reading the files). */
export async function contextNeuronStudy(model: HookedTransformer, w: LanguageWindows, params: ContextNeuronParams, seed: number, io: MeasureIo): Promise<Report> {
  const located = await locate(model, w, params, seed, io);
  const n = located.chosen;
  const ablated = await ablate(model, w, { layer: n.layer, neuron: n.neuron, value: n.meanEnglish }, params.batchSize, io);
  const found = await ngrams(model, w, ablated, params, seed, io);
  const kept = found.trigrams.filter((t) => t.valid);
  const { loss, paths } = ablated;
  const increase = { total: paths.total - paths.clean, indirectRemoved: paths.indirectRemoved - paths.clean, directOnly: paths.directOnly - paths.clean };
  const top = topNeuronsPerLayer(located, params.topNeurons);
  const name = neuronName(n);
  const how = params.layer >= 0 ? 'the neuron asked for' : located.chosenIsCandidate ? `the best of ${located.candidates} candidate${located.candidates === 1 ? '' : 's'} (F1 > ${params.minF1}, higher mean on German)` : `no neuron passes F1 > ${params.minF1} with a higher mean on German, so this is the best that fires more on German`;
  const summary =
    `${name} separates German from English text with a single-neuron probe at F1 ${fmt(n.f1)} and MCC ${fmt(n.mcc)} (${how}; mean activation ${fmt(n.meanGerman)} on German, ${fmt(n.meanEnglish)} on English). ` +
    `Setting it to its mean English activation at every position raises German loss from ${fmt(loss.germanClean)} to ${fmt(loss.germanAblated)} nats and English loss from ${fmt(loss.englishClean)} to ${fmt(loss.englishAblated)}. ` +
    (paths.downstream.length > 0
      ? `Through later components alone (indirectRemoved) German loss rises by ${signed(increase.indirectRemoved)} nats, through the direct path alone (directOnly) by ${signed(increase.directOnly)}, against ${signed(increase.total)} in all. `
      : 'It is in the last layer, so its whole effect is direct. ') +
    (kept.length > 0
      ? `${kept.length} of ${found.trigrams.length} mined trigram${found.trigrams.length === 1 ? '' : 's'} pass validation after random German prefixes; the strongest: ${kept.slice(0, 3).map((t) => `"${trigramText(model, t.tokens)}" (${fmt(t.losses.clean, 2)} → ${fmt(t.losses.total, 2)} nats)`).join(', ')}.`
      : `No trigram passes validation (${found.mined} mined, ${found.trigrams.length} validated).`);
  const text = ngramTextSection(model, w.german, ablated, kept.slice(0, params.topNgrams));
  return {
    summary,
    results: {
      neuron: neuronResult(n, params.minF1),
      candidates: located.candidates,
      topNeurons: top.map((p) => neuronResult(p, params.minF1)),
      loss: { ...loss },
      paths: { downstream: [...paths.downstream], clean: paths.clean, total: paths.total, indirectRemoved: paths.indirectRemoved, directOnly: paths.directOnly, increase },
      ngrams: kept.map((t) => ({
        tokens: t.tokens.map((id) => (model.tokenizer ? model.tokenizer.tokenString(id) : `t${id}`)),
        ids: [...t.tokens],
        positions: t.count,
        interest: t.interest,
        clean: t.losses.clean,
        total: t.losses.total,
        indirectRemoved: t.losses.indirectRemoved,
        directOnly: t.losses.directOnly,
      })),
      ngramSearch: { mined: found.mined, validated: found.trigrams.length, kept: kept.length },
      windows: { german: w.german.length, english: w.english.length, contextLength: w.contextLength },
    },
    sections: [
      lossSection(ablated),
      ...pathSections(ablated),
      neuronTable(top, params.minF1),
      probeScatter(located, params.minF1),
      ...(text ? [text] : []),
      ...(found.trigrams.length > 0 ? [ngramTable(model, found.trigrams)] : []),
      {
        kind: 'note',
        title: 'Method',
        text:
          `Probes: activations of every MLP neuron (blocks.L.mlp.hook_post) at positions ${params.positionStart}..${Math.min(params.positionEnd, w.contextLength) - 1} of ${w.german.length} German and ${w.english.length} English windows of ${w.contextLength} tokens (at most ${params.maxProbeRows} rows per language), standardised, split ${fmt(1 - params.testFraction, 2)}/${fmt(params.testFraction, 2)} with seed ${seed}, one L2 logistic regression (C = ${params.C}) per neuron. ` +
          `Mining: positions with clean loss ≤ ${params.maxCleanLoss} where min(total, indirectRemoved increase) > ${params.minLossIncrease} nats; validation: ${params.validationPrompts} prompts of ${params.prefixLength} tokens drawn from the ${params.commonTokens} most frequent German tokens, then the trigram, no BOS; kept when the clean loss < ${params.validationMaxCleanLoss} and ablation adds > ${params.validationMinIncrease} nats.`,
      },
    ],
  };
}

export const contextNeuronAnalysis = defineAnalysis({
  id: 'context-neuron',
  title: 'Context neuron',
  level: 'implementational',
  summary: 'Find the German neuron with single-neuron probes, ablate it to its English mean, split the loss increase into direct and downstream paths, and mine the German trigrams that need it (Quirke et al. 2023)',
  description:
    'One logistic regression per MLP neuron separates German from English text (F1, MCC); the best candidate (F1 > 0.85, higher mean on German) is set to its mean English activation at every position. ' +
    'German and English loss before and after; path patching on the German windows with runs named by what they do (total: neuron ablated; indirectRemoved: neuron clean, every later attention and MLP output from the ablated run; directOnly: neuron ablated, later outputs clean). ' +
    'Trigrams whose last token\'s loss rises most through later components are mined and validated after random German prefixes, and shown as coloured text.',
  references: REFERENCES,
  inputs: { models: { min: 1, max: 1 }, files: LANGUAGE_FILES, capabilities: ['tokenizer'], hookPoints: ['blocks.*.mlp.hook_post'] },
  params: contextNeuronParams,
  results: contextNeuronResults,
  async run(ctx) {
    const model = ctx.models[0];
    const w = languageWindows(ctx, model, ctx.params);
    return contextNeuronStudy(model, w, ctx.params, ctx.seed, ctx);
  },
});
