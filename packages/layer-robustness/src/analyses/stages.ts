import { defineAnalysis, z, type ReportSection } from '@marr/core';
import { analysisWindows } from '../data/windows.js';
import { relativeDepth } from '../metrics/depth.js';
import { residualCka } from '../similarity/cka.js';
import { attentionLocalityAnalysis } from './attention-locality.js';
import { layerRobustness } from './layer-robustness.js';
import { logitLensAnalysis } from './logit-lens.js';
import { predictionNeuronsAnalysis } from './prediction-neurons.js';
import { stagesResults } from './results.js';
import { toJsonValue } from '../report/json.js';
import { layerDepths, lensSections, localitySections, neuronSections, robustnessSections } from '../report/sections.js';
import { evidenceMarks, stageEvidence, stageSummary, STRENGTH_RULES } from '../stages/evidence.js';
import type { SweepResult } from '../interventions/sweep.js';
import { fmt, pct } from '../report/format.js';
import type { StageEvidence } from '../stages/evidence.js';
import { localityParams, neuronParams, textParams } from './params.js';
import { PAPER } from './reference.js';

export const stagesParams = z.object({
  ...textParams,
  ...localityParams,
  ...neuronParams,
  ckaSamples: z.number().int().min(0).default(1024).describe('Tokens (drawn with the run seed) for the CKA between residual streams; 0 skips it.'),
});

/**
 * The stages summary: with inner layers, the detokenization clause already states layer 0's deletion KL and
 * retention, so the lead names the worst deleted layer only when it is another one.
 */
export function stagesSummary(sweep: SweepResult, evidence: readonly StageEvidence[], nLayers: number): string {
  const del = sweep.deletion;
  const worst = del.length ? del.reduce((a, b) => (b.kl > a.kl ? b : a)) : null;
  const stated = worst !== null && worst.layer === 0 && del.length > 2;
  const lead = worst && !stated ? `, deleting layer ${worst.layer} hurts most (KL ${fmt(worst.kl, 4)} nats, accuracy retention ${pct(worst.accuracyRetention)})` : '';
  return `Measured over ${sweep.tokens} tokens${lead}. ${stageSummary(evidence, nLayers)}`;
}

export const stagesAnalysis = defineAnalysis({
  id: 'stages',
  title: 'Stages of inference',
  level: 'computational',
  summary: 'Layer deletion/swap, logit lens, attention locality and prediction neurons side by side, with the evidence for each stage marked',
  description:
    'Runs layer-robustness, logit-lens, attention-locality and prediction-neurons (each as its own analysis, with the parameters given here) on one model and dataset and puts their curves ' +
    'against relative depth side by side. The paper\'s four stages (detokenization, feature engineering, prediction ensembling, ' +
    'residual sharpening) are not asserted: each piece of evidence is stated with its numbers and marked where it appears.',
  references: [PAPER],
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: true, description: 'text to score predictions and read activations on' },
    capabilities: ['tokenizer'],
  },
  params: stagesParams,
  results: stagesResults,
  async run(ctx) {
    const model = ctx.models[0];
    const L = model.config.nLayers;
    const p = ctx.params;
    const text = { contextLength: p.contextLength, maxTokens: p.maxTokens, batchWindows: p.batchWindows };
    const sweep = (await ctx.run(layerRobustness, text)).results;
    const lens = (await ctx.run(logitLensAnalysis, text)).results.layers;
    const locality = (await ctx.run(attentionLocalityAnalysis, { ...text, maxOffset: p.maxOffset })).results.layers;
    const thresholds = { kurtosis: p.kurtosisThreshold, skew: p.skewThreshold };
    const neurons = (await ctx.run(predictionNeuronsAnalysis, { kurtosisThreshold: p.kurtosisThreshold, skewThreshold: p.skewThreshold, processing: p.processing })).results.layers;
    const evidence = stageEvidence({ nLayers: L, sweep, lens, locality, neurons });
    let cka = null;
    if (p.ckaSamples > 0) {
      ctx.progress.start('residual CKA', 1);
      cka = await residualCka(model, analysisWindows(ctx, model, p), { samples: p.ckaSamples, rng: ctx.rng, batchWindows: p.batchWindows });
      ctx.progress.tick();
      ctx.progress.done();
    }

    const depthOf = (rows: { layer: number }[]) => rows.map((r) => relativeDepth(r.layer, L));
    const overview: ReportSection = {
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Stages of inference: the curves side by side (each scaled to its maximum)',
        x: { label: 'relative depth l / (L - 1)' },
        y: { label: 'fraction of the curve\'s maximum', domain: [0, 1.05] },
        series: [
          scaled('deletion KL', depthOf(sweep.deletion), sweep.deletion.map((r) => r.kl)),
          scaled('logit-lens entropy', lens.map((r) => r.relativeDepth), lens.map((r) => r.entropy)),
          scaled('attention on previous tokens', locality.map((r) => r.relativeDepth), locality.map((r) => r.total)),
          scaled('prediction neurons', neurons.map((r) => r.relativeDepth), neurons.map((r) => r.predictionFraction)),
          scaled('suppression neurons', neurons.map((r) => r.relativeDepth), neurons.map((r) => r.suppressionFraction)),
        ],
        marks: evidenceMarks(evidence, ['detokenization', 'feature engineering', 'prediction ensembling', 'residual sharpening']),
      },
      caption: `Each curve divided by its own maximum so their shapes can be compared; the marks show where each piece of stage evidence below appears. ${layerDepths(sweep.deletion.map((r) => ({ layer: r.layer, relativeDepth: relativeDepth(r.layer, L) })))}`,
    };
    const sections: ReportSection[] = [
      overview,
      {
        kind: 'table',
        title: 'Evidence for each stage (measured, not asserted)',
        columns: ['stage', 'strength', 'evidence', 'relative depth'],
        rows: evidence.map((e) => [e.stage, e.strength, e.evidence, e.from === e.to ? e.from.toFixed(2) : `${e.from.toFixed(2)}-${e.to.toFixed(2)}`]),
      },
      { kind: 'note', title: 'How strength is graded', text: STRENGTH_RULES },
      {
        kind: 'note',
        title: 'Reading the stages',
        text:
          'Lad et al. read four stages off such curves: detokenization (early layers; deleting them is very harmful and attention is local), ' +
          'feature engineering (middle layers; deleting or swapping one barely matters while the logit lens is still uncertain), ' +
          'prediction ensembling (prediction neurons appear and the logit-lens entropy falls) and residual sharpening (suppression neurons ' +
          'and the last layer calibrate the output). No threshold defines a stage; judge the marks above against the curves.',
      },
      ...robustnessSections(sweep, L),
      ...lensSections(lens, evidenceMarks(evidence, ['prediction ensembling'])),
      ...localitySections(locality, evidenceMarks(evidence, ['detokenization'])),
      ...neuronSections(neurons, thresholds, evidenceMarks(evidence, ['prediction ensembling', 'residual sharpening'])),
    ];
    if (cka) {
      sections.push({
        kind: 'figure',
        figure: {
          type: 'heatmap',
          title: 'Linear CKA between residual streams',
          x: { label: 'residual stream' },
          y: { label: 'residual stream' },
          xLabels: cka.labels,
          yLabels: cka.labels,
          values: cka.matrix,
          colorLabel: 'CKA (unbiased HSIC)',
        },
        caption: `${cka.samples} scored tokens drawn with the run seed; blocks with similar representations form bright squares.`,
      });
    }
    return {
      summary: stagesSummary(sweep, evidence, L),
      results: {
        deletion: toJsonValue(sweep.deletion, 'results.deletion'),
        swap: toJsonValue(sweep.swap, 'results.swap'),
        logitLens: toJsonValue(lens, 'results.logitLens'),
        attentionLocality: toJsonValue(locality, 'results.attentionLocality'),
        predictionNeurons: toJsonValue(neurons, 'results.predictionNeurons'),
        evidence: toJsonValue(evidence, 'results.evidence'),
        cka: cka ? toJsonValue(cka, 'results.cka') : null,
        tokens: sweep.tokens,
        windows: sweep.windows,
      },
      sections,
    };
  },
});

function scaled(name: string, x: number[], y: number[]) {
  const max = Math.max(...y.map(Math.abs), 1e-12);
  return { name, x, y: y.map((v) => v / max) };
}
