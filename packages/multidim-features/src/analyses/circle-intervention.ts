/** `circle-intervention`: move the day (month) along the probe's circle and see whether the answer follows. */
import { defineAnalysis, z, type HookedTransformer, type Progress, type Report, type ReportSection } from '@marr/core';
import { circleReplacement, interventionRows, runReplacements, summariseArm, type ArmSummary, type InterventionRow } from '../circles/circle-intervention.js';
import { buildModularTask } from '../circles/modular-tasks.js';
import { fmt, percent } from '../report/format.js';
import { circleParams, layersOf } from './circle-params.js';
import { bestProbe, circleFigures, probeTask, type TaskProbes } from './circle-probe.js';
import { REFERENCES } from './references.js';
import { circleInterventionResults } from './results.js';

export const circleInterventionParams = z.object({
  ...circleParams,
  batchSize: z.number().int().min(1).default(64).describe('Prompts per forward pass.'),
});
export type CircleInterventionParams = z.output<typeof circleInterventionParams>;

export type LayerIntervention = {
  layer: number;
  hook: string;
  r2: number;
  pairs: number;
  before: ArmSummary;
  intervention: ArmSummary;
  meanAblation: ArmSummary;
  fullPatch: ArmSummary;
};

export async function interveneTask(model: HookedTransformer, t: TaskProbes, p: { batchSize: number }, io: { signal?: AbortSignal; progress?: Progress }): Promise<LayerIntervention[]> {
  const task = t.task;
  const rows = interventionRows(task);
  const d = model.config.dModel;
  const io2 = { batchSize: p.batchSize, signal: io.signal, progress: io.progress };
  // The unedited runs do not depend on the layer: once per task.
  const clean = await runReplacements(model, task, rows, t.probes[0].hook, null, { ...io2, label: `${task.name}: unedited runs` });
  const index = new Map(task.problems.map((q, i) => [`${q.a},${q.b}`, i]));
  const out: LayerIntervention[] = [];
  for (const probe of t.probes) {
    const targets = Array.from({ length: task.period }, (_, tt) => circleReplacement(probe, tt, task.period));
    const intervention = await runReplacements(model, task, rows, probe.hook, (r) => targets[r.target], { ...io2, label: `${task.name} layer ${probe.layer}: circle intervention` });
    const mean = probe.mean;
    const meanAblation = await runReplacements(model, task, rows, probe.hook, () => mean, { ...io2, label: `${task.name} layer ${probe.layer}: mean ablation` });
    // Full patch: the whole activation of the problem with start t and the same count.
    const full = t.activations.get(probe.layer)!;
    const source = (r: InterventionRow) => index.get(`${r.target},${task.problems[r.problem].b}`)!;
    const fullPatch = await runReplacements(model, task, rows, probe.hook, (r) => full.subarray(source(r) * d, (source(r) + 1) * d), { ...io2, label: `${task.name} layer ${probe.layer}: full patch` });
    out.push({
      layer: probe.layer, hook: probe.hook, r2: probe.r2, pairs: rows.length,
      before: summariseArm(clean), intervention: summariseArm(intervention), meanAblation: summariseArm(meanAblation), fullPatch: summariseArm(fullPatch),
    });
  }
  return out;
}

export function bestIntervention(layers: readonly LayerIntervention[]): LayerIntervention {
  return layers.reduce((a, b) => (b.intervention.movedFraction > a.intervention.movedFraction || (b.intervention.movedFraction === a.intervention.movedFraction && b.intervention.meanLogitDiff < a.intervention.meanLogitDiff) ? b : a));
}

export function circleInterventionStudy(all: { probes: TaskProbes; layers: LayerIntervention[] }[], p: CircleInterventionParams): Report {
  const tasks = all.map(({ probes, layers }) => ({
    task: probes.task.name, template: probes.task.template, period: probes.task.period, problems: probes.task.problems.length,
    examplePrompt: probes.task.problems[0].prompt, layers, bestLayer: bestIntervention(layers).layer,
  }));
  const sentences = tasks.map((t) => {
    const b = t.layers.find((l) => l.layer === t.bestLayer)!;
    return `${t.task}: at layer ${b.layer} (${b.hook}, probe R² ${fmt(b.r2)}) the model's answer becomes the intended (b + new a) mod p in ${percent(b.intervention.movedFraction, 1)} of ${b.pairs} (prompt, new start) pairs ` +
      `(${percent(b.intervention.movedAmongNamesFraction, 1)} among the ${t.period} names), and logit(original) − logit(new) falls from ${fmt(b.before.meanLogitDiff, 2)} to ${fmt(b.intervention.meanLogitDiff, 2)}; ` +
      `replacing the activation by the mean moves ${percent(b.meanAblation.movedFraction, 1)}, patching in the whole activation of the new prompt ${percent(b.fullPatch.movedFraction, 1)}`;
  });
  const summary = `The activation at the day/month token was replaced by the mean plus the new start's circle point mapped back through the probe (the top ${p.components} PCs). ${sentences.join('; ')}.`;
  const sections: ReportSection[] = [];
  for (const t of tasks) {
    const x = t.layers.map((l) => l.layer);
    sections.push(
      {
        kind: 'figure',
        figure: {
          type: 'line', title: `${t.task}: answers moved to the intended ${t.task === 'days' ? 'day' : 'month'}`, x: { label: 'layer intervened on' }, y: { label: 'share of pairs', domain: [0, 1] },
          series: [
            { name: 'circle intervention', x, y: t.layers.map((l) => l.intervention.movedFraction) },
            { name: 'full patch (upper bound)', x, y: t.layers.map((l) => l.fullPatch.movedFraction) },
            { name: 'mean ablation (control)', x, y: t.layers.map((l) => l.meanAblation.movedFraction) },
          ],
        },
        caption: `Share of (prompt, new start) pairs whose top token over the vocabulary becomes the new answer (b + t) mod ${t.period}. At the last layer (the last block's output) the name token no longer reaches the answer position, so nothing moves there.`,
      },
      {
        kind: 'figure',
        figure: {
          type: 'line', title: `${t.task}: logit(original answer) − logit(new answer)`, x: { label: 'layer intervened on' }, y: { label: 'mean logit difference' },
          series: [
            { name: 'before', x, y: t.layers.map((l) => l.before.meanLogitDiff) },
            { name: 'circle intervention', x, y: t.layers.map((l) => l.intervention.meanLogitDiff) },
            { name: 'full patch', x, y: t.layers.map((l) => l.fullPatch.meanLogitDiff) },
            { name: 'mean ablation', x, y: t.layers.map((l) => l.meanAblation.meanLogitDiff) },
          ],
        },
        caption: 'The authors\' metric, averaged over all (prompt, new start) pairs: positive when the model prefers the original answer, negative when it prefers the new one.',
      },
      {
        kind: 'table', title: `${t.task}: intervention by layer`,
        columns: ['layer', 'hook', 'probe R²', 'pairs', 'logit diff before', 'logit diff after', 'moved', 'moved (among names)', 'still original', 'mean ablation: moved', 'full patch: moved'],
        rows: t.layers.map((l) => [l.layer, l.hook, l.r2, l.pairs, l.before.meanLogitDiff, l.intervention.meanLogitDiff, l.intervention.movedFraction, l.intervention.movedAmongNamesFraction, l.intervention.keptFraction, l.meanAblation.movedFraction, l.fullPatch.movedFraction]),
      },
    );
  }
  for (const { probes, layers } of all) {
    const best = bestIntervention(layers);
    sections.push(circleFigures(probes, probes.probes.find((q) => q.layer === best.layer) ?? bestProbe(probes))[0]);
  }
  return { summary, results: { components: p.components, tasks }, sections };
}

export const circleInterventionAnalysis = defineAnalysis({
  id: 'circle-intervention',
  title: 'Circle intervention (days of the week, months of the year)',
  level: 'implementational',
  summary: "Replace the activation at the day/month token by a point of the probe's circle and measure whether the model's answer moves to (b + new a) mod p",
  description:
    'Fits the circle probe of circle-probe at every layer, then, as the authors do, replaces the activation at the token of the start a by the mean activation plus the circle point ' +
    'of a new start t mapped back through the probe (PCA-k, least squares onto cos/sin, its QR factors), minus the mean\'s part in the probe\'s plane. For every prompt and every t ≠ a ' +
    'it measures logit(original answer) − logit(new answer) before and after, and how often the top token becomes the new answer (b + t) mod p. Controls: replacing the activation ' +
    'by the mean alone, and patching in the whole activation of the prompt (t, b).',
  references: REFERENCES,
  inputs: { models: { min: 1, max: 1 }, capabilities: ['tokenizer'] },
  params: circleInterventionParams,
  results: circleInterventionResults,
  async run(ctx) {
    const model = ctx.models[0];
    const p = ctx.params;
    const layers = layersOf(model, p.layers);
    const all: { probes: TaskProbes; layers: LayerIntervention[] }[] = [];
    for (const name of p.tasks) {
      const probes = await probeTask(model, buildModularTask(model, name, p.template), layers, { components: p.components, shuffles: 0 }, ctx.seed, ctx);
      all.push({ probes, layers: await interveneTask(model, probes, p, ctx) });
    }
    return circleInterventionStudy(all, p);
  },
});
