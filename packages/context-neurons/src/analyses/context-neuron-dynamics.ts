/**
 * `context-neuron-dynamics`: the context-neuron measurements over a checkpoint series (the authors'
 * generate_checkpoint_probe_data.py, generate_checkpoint_ablation_data.py and calculate_trigram_losses):
 * the neuron and the trigrams are chosen on the last checkpoint, then every checkpoint gets its probe
 * F1/MCC, its own mean English activation as the ablation value, German/English loss clean and ablated,
 * the three path runs and each trigram's losses on the same random-prefix prompts.
 */
import { defineAnalysis, loadModel, MarrUsageError, z, type AnalysisContext, type HookedTransformer, type Report, type ReportSection } from '@marr/core';
import { checkIncreasing, checkpointFolders, formedAt, stepOf } from '../dynamics/checkpoints.js';
import { isCandidate, rankProbes } from '../locate/neuron-probes.js';
import { fmt, neuronName, trigramText } from '../report/format.js';
import { languageWindows, LANGUAGE_FILES, type LanguageWindows } from './language-windows.js';
import { ablate, locate, ngrams, prefixPool, validateTrigrams, type MeasureIo } from './measure.js';
import { locateParams, ngramParams } from './params.js';
import { REFERENCES } from './references.js';
import { checkpointSchema, dynamicsResults } from './results.js';

type CheckpointRow = z.output<typeof checkpointSchema>;

export const dynamicsParams = z.object({
  ...locateParams,
  ...ngramParams,
  trackNgrams: z.number().int().min(0).default(6).describe('Trigrams followed over training: the validated ones of the last checkpoint, strongest first (mined ones when none is validated).'),
  minGermanIncrease: z.number().min(0).default(0.05).describe('Ablation "hurts German" at a checkpoint when it raises German loss by more than this (nats).'),
});

export type DynamicsParams = z.output<typeof dynamicsParams>;

/** One checkpoint of a series: loaded on demand, released after its measurements. */
export interface Checkpoint {
  name: string;
  step: number;
  get(): Promise<HookedTransformer>;
  release(): Promise<void>;
}

function seriesFrom(ctx: AnalysisContext<DynamicsParams>): Checkpoint[] {
  const folders = ctx.inputs.checkpoints ?? [];
  if (folders.length > 0 && ctx.models.length > 0) throw new MarrUsageError('give the checkpoints one way: several --model flags in training order, or --input checkpoints=<folder>');
  if (folders.length > 0) {
    return checkpointFolders(folders[0].path).map(({ path, step }) => {
      let model: HookedTransformer | null = null;
      return {
        name: path, step,
        get: async () => (model ??= await loadModel(path)),
        release: async () => {
          await model?.dispose();
          model = null;
        },
      };
    });
  }
  if (ctx.models.length < 2) throw new MarrUsageError('a checkpoint series needs at least 2 models: repeat --model in training order, or pass --input checkpoints=<folder>');
  return ctx.models.map((m, i) => ({ name: m.source.spec, step: stepOf(m, i), get: async () => m, release: async () => {} }));
}

export async function dynamicsStudy(series: readonly Checkpoint[], windowsFor: (m: HookedTransformer) => LanguageWindows, params: DynamicsParams, seed: number, io: MeasureIo & { log(m: string): void }): Promise<Report> {
  checkIncreasing(series.map((c) => c.step), series.map((c) => c.name));
  const last = series[series.length - 1];
  const final = await last.get();
  const w = windowsFor(final);
  // The neuron and the trigrams come from the last checkpoint (the authors: the final model's L3N669).
  const located = await locate(final, w, params, seed, io);
  const tracked = { layer: located.chosen.layer, neuron: located.chosen.neuron };
  const finalAblation = await ablate(final, w, { ...tracked, value: located.chosen.meanEnglish }, params.batchSize, io);
  const found = await ngrams(final, w, finalAblation, params, seed, io);
  const kept = found.trigrams.filter((t) => t.valid);
  const followed = (kept.length > 0 ? kept : found.trigrams).slice(0, params.trackNgrams).map((t) => t.tokens);
  const pool = prefixPool(final, w.german, params.commonTokens);
  const labels = followed.map((t) => trigramText(final, t));
  const rows: CheckpointRow[] = [];
  for (const [i, cp] of series.entries()) {
    io.log(`context-neuron-dynamics: checkpoint ${i + 1}/${series.length} (${cp.name}, step ${cp.step})`);
    const model = await cp.get();
    if (model.config.dVocab !== final.config.dVocab || model.config.dMlp !== final.config.dMlp || model.config.nLayers !== final.config.nLayers) {
      throw new MarrUsageError(`${cp.name} has another shape than ${last.name} (vocabulary, layers or MLP width); a checkpoint series must be one model's checkpoints`);
    }
    const here = cp === last ? located : await locate(model, w, { ...params, layer: tracked.layer, neuron: tracked.neuron }, seed, io);
    const probe = here.probes.find((p) => p.layer === tracked.layer && p.neuron === tracked.neuron)!;
    const best = rankProbes(here.probes.filter((p) => p.meanGerman > p.meanEnglish))[0] ?? rankProbes(here.probes)[0];
    const a = cp === last ? finalAblation : await ablate(model, w, { ...tracked, value: probe.meanEnglish }, params.batchSize, io);
    const tri = followed.length === 0 || pool.length === 0 ? [] : await validateTrigrams(model, followed, pool, { ...tracked, value: probe.meanEnglish }, params, seed, io);
    rows.push({
      model: cp.name,
      step: cp.step,
      f1: probe.f1,
      mcc: probe.mcc,
      bestF1: Math.max(...here.probes.filter((p) => p.meanGerman > p.meanEnglish).map((p) => p.f1), 0),
      bestMcc: Math.max(...here.probes.filter((p) => p.meanGerman > p.meanEnglish).map((p) => p.mcc), 0),
      bestNeuron: neuronName(best),
      meanGerman: probe.meanGerman,
      meanEnglish: probe.meanEnglish,
      loss: { ...a.loss },
      paths: {
        downstream: [...a.paths.downstream], clean: a.paths.clean, total: a.paths.total, indirectRemoved: a.paths.indirectRemoved, directOnly: a.paths.directOnly,
        increase: { total: a.paths.total - a.paths.clean, indirectRemoved: a.paths.indirectRemoved - a.paths.clean, directOnly: a.paths.directOnly - a.paths.clean },
      },
      ngrams: tri.map((l, j) => ({ trigram: labels[j], ...l })),
    });
    if (cp !== last) await cp.release();
  }
  const steps = rows.map((r) => r.step);
  const neuronStep = formedAt(steps, rows.map((r) => isCandidate({ ...r, ...tracked }, params.minF1)));
  const hurtsStep = formedAt(steps, rows.map((r) => r.loss.germanAblated - r.loss.germanClean > params.minGermanIncrease));
  const ngramFormation = labels.map((trigram, j) => {
    const learned = formedAt(steps, rows.map((r) => r.ngrams[j].clean < params.validationMaxCleanLoss));
    const circuit = formedAt(steps, rows.map((r) => r.ngrams[j].total - r.ngrams[j].clean > params.validationMinIncrease));
    return { trigram, learned, circuit, afterParts: circuit === null || learned === null || neuronStep === null ? null : circuit >= learned && circuit >= neuronStep };
  });
  const name = neuronName(tracked);
  const lastRow = rows[rows.length - 1];
  const when = (s: number | null) => (s === null ? 'never (not by the last checkpoint)' : `at step ${s}`);
  const summary =
    `Over ${rows.length} checkpoints (steps ${steps[0]}..${steps[steps.length - 1]}), ${name}, chosen on the last one (F1 ${fmt(lastRow.f1)}, MCC ${fmt(lastRow.mcc)}${located.chosenIsCandidate ? '' : `; no neuron passes F1 > ${params.minF1} there`}), ` +
    `becomes a German neuron (F1 > ${params.minF1} from then on) ${when(neuronStep)}; ablating it raises German loss by more than ${params.minGermanIncrease} nats from ${hurtsStep === null ? 'no checkpoint on' : `step ${hurtsStep} on`} ` +
    `(last checkpoint: ${fmt(lastRow.loss.germanClean)} → ${fmt(lastRow.loss.germanAblated)} nats; English ${fmt(lastRow.loss.englishClean)} → ${fmt(lastRow.loss.englishAblated)}). ` +
    (ngramFormation.length === 0
      ? 'No trigram was mined on the last checkpoint, so no n-gram circuit is followed.'
      : `Of ${ngramFormation.length} trigram${ngramFormation.length === 1 ? '' : 's'} followed, ${ngramFormation.filter((g) => g.circuit !== null).length} come to depend on the neuron; ` +
        `${ngramFormation.filter((g) => g.afterParts === true).length} do so at or after both the neuron and the n-gram itself formed, ${ngramFormation.filter((g) => g.afterParts === false).length} before.`);
  return {
    summary,
    results: {
      neuron: { ...tracked, chosenAt: last.name },
      steps,
      checkpoints: rows,
      formation: { neuron: neuronStep, ablationHurts: hurtsStep, ngrams: ngramFormation },
    },
    sections: [
      {
        kind: 'table',
        title: 'Formation steps (first step from which the criterion holds to the last checkpoint)',
        columns: ['what', 'criterion', 'step', 'after its parts'],
        rows: [
          [`${name} is a German neuron`, `F1 > ${params.minF1}, higher mean on German`, neuronStep, null],
          [`ablating ${name} hurts German`, `loss increase > ${params.minGermanIncrease} nats`, hurtsStep, null],
          ...ngramFormation.flatMap((g) => [
            [`"${g.trigram}" learned`, `clean loss < ${params.validationMaxCleanLoss} nats`, g.learned, null],
            [`"${g.trigram}" needs ${name}`, `ablation adds > ${params.validationMinIncrease} nats`, g.circuit, g.afterParts],
          ]),
        ],
      },
      ...dynamicsSections(rows, labels, name, params),
    ],
  };
}

function dynamicsSections(rows: readonly CheckpointRow[], labels: readonly string[], name: string, params: DynamicsParams): ReportSection[] {
  const plotted = rows.filter((r) => r.step > 0);
  const x = plotted.map((r) => r.step);
  const line = (title: string, yLabel: string, series: { name: string; y: number[] }[], caption: string): ReportSection => ({
    kind: 'figure',
    figure: { type: 'line', title, x: { label: 'training step', scale: 'log' }, y: { label: yLabel }, series: series.map((s) => ({ name: s.name, x, y: s.y })) },
    caption: `${caption}${plotted.length < rows.length ? ' Step 0 is left out of the log-scale plot (see the table).' : ''}`,
  });
  const sections: ReportSection[] = [
    line(`${name} as a German detector over training`, 'probe score', [
      { name: `${name} F1`, y: plotted.map((r) => r.f1) },
      { name: `${name} MCC`, y: plotted.map((r) => r.mcc) },
      { name: 'best F1 of any neuron', y: plotted.map((r) => r.bestF1) },
      { name: 'best MCC of any neuron', y: plotted.map((r) => r.bestMcc) },
    ], `Single-neuron logistic-regression probes, German vs English, at every checkpoint; the candidate threshold is F1 > ${params.minF1}.`),
    line('Loss with and without the neuron', 'next-token loss (nats)', [
      { name: 'German, clean', y: plotted.map((r) => r.loss.germanClean) },
      { name: 'German, ablated', y: plotted.map((r) => r.loss.germanAblated) },
      { name: 'English, clean', y: plotted.map((r) => r.loss.englishClean) },
      { name: 'English, ablated', y: plotted.map((r) => r.loss.englishAblated) },
    ], `Ablated: ${name} set to its mean English activation at that checkpoint, at every position.`),
    line('German loss increase by path', 'loss increase over clean (nats)', [
      { name: 'total', y: plotted.map((r) => r.paths.increase.total) },
      { name: 'indirectRemoved', y: plotted.map((r) => r.paths.increase.indirectRemoved) },
      { name: 'directOnly', y: plotted.map((r) => r.paths.increase.directOnly) },
    ], 'indirectRemoved: neuron clean, later attention and MLP outputs from the ablated run; directOnly: neuron ablated, later outputs clean.'),
  ];
  if (labels.length > 0) {
    sections.push(
      line('Trigram loss increase when the neuron is ablated', 'loss increase on the last token (nats)', labels.map((l, j) => ({ name: l, y: plotted.map((r) => r.ngrams[j].total - r.ngrams[j].clean) })), `Random German prefixes + the trigram, the same prompts at every checkpoint; a circuit "forms" when the increase stays above ${params.validationMinIncrease} nats.`),
      line('Trigram clean loss', 'loss on the last token (nats)', labels.map((l, j) => ({ name: l, y: plotted.map((r) => r.ngrams[j].clean) })), `The n-gram itself is "learned" when this stays below ${params.validationMaxCleanLoss} nats.`),
    );
  }
  sections.push({
    kind: 'table',
    title: 'Per checkpoint',
    columns: ['step', 'F1', 'MCC', 'best F1', 'best MCC', 'best neuron', 'German clean', 'German ablated', 'English clean', 'English ablated', 'indirectRemoved +', 'directOnly +'],
    rows: rows.map((r) => [r.step, r.f1, r.mcc, r.bestF1, r.bestMcc, r.bestNeuron, r.loss.germanClean, r.loss.germanAblated, r.loss.englishClean, r.loss.englishAblated, r.paths.increase.indirectRemoved, r.paths.increase.directOnly]),
  });
  return sections;
}

export const contextNeuronDynamicsAnalysis = defineAnalysis({
  id: 'context-neuron-dynamics',
  title: 'Context neuron over training',
  level: 'algorithmic',
  summary: 'Over a checkpoint series: when the German neuron appears, when ablating it starts to hurt German loss, when each contextual n-gram circuit forms and whether it forms after its parts (Quirke et al. 2023)',
  description:
    'The neuron and the trigrams are chosen on the last checkpoint (or the neuron given by layer and neuron); every checkpoint then gets the neuron\'s probe F1 and MCC, its own mean English activation as the ablation value, ' +
    'German and English loss clean and ablated, the total / indirectRemoved / directOnly path runs, and each trigram\'s losses on the same random German prefixes. Formation steps are the first from which a criterion holds at every later checkpoint. ' +
    'Checkpoints: several --model flags in training order (e.g. organism-seed0-step-0 ... organism-seed0-step-3000), or --input checkpoints=<folder of checkpoint folders>.',
  references: REFERENCES,
  inputs: {
    models: { min: 0 },
    files: {
      ...LANGUAGE_FILES,
      checkpoints: { kind: 'model-folder', description: 'a folder of checkpoint folders (each with config.json, and training.json giving its step), instead of --model flags' },
    },
    capabilities: ['tokenizer'],
  },
  params: dynamicsParams,
  results: dynamicsResults,
  async run(ctx) {
    const series = seriesFrom(ctx);
    return dynamicsStudy(series, (m) => languageWindows(ctx, m, ctx.params), ctx.params, ctx.seed, ctx);
  },
});
