/** `circle-probe`: is the day (month) named in a prompt represented on a circle, layer by layer? */
import { createRng, defineAnalysis, z, type FigureSection, type HookedTransformer, type Progress, type Report, type ReportSection } from '@marr/core';
import { fitCircleProbe, nameActivations, residHook, shuffledOrderR2, type CircleProbe } from '../circles/circle-probe.js';
import { buildModularTask, type ModularTask } from '../circles/modular-tasks.js';
import { irreducibility } from '../irreducibility/irreducibility.js';
import { pointCloud } from '../irreducibility/mixture-index.js';
import { fmt } from '../report/format.js';
import { labelledSeries } from '../report/plane-figures.js';
import { circleParams, layersOf } from './circle-params.js';
import { REFERENCES } from './references.js';
import { circleProbeResults } from './results.js';

export const circleProbeParams = z.object({
  ...circleParams,
  shuffles: z.number().int().min(0).max(1000).default(20).describe('Control: refit the probe this many times with the names\' circular order shuffled (same seed, same shuffles at every layer).'),
});
export type CircleProbeParams = z.output<typeof circleProbeParams>;

export interface TaskProbes {
  task: ModularTask;
  probes: CircleProbe[];
  shuffled: number[][];
  /** The activations [problems, dModel] at the name token, by layer. */
  activations: Map<number, Float64Array>;
}

/** Fits the probe at every layer of one task. */
export async function probeTask(model: HookedTransformer, task: ModularTask, layers: readonly number[], p: { components: number; shuffles: number }, seed: number, io: { signal?: AbortSignal; progress?: Progress }): Promise<TaskProbes> {
  const acts = await nameActivations(model, task, layers, io);
  const n = task.problems.length, d = model.config.dModel;
  const values = task.problems.map((q) => q.a);
  const rng = createRng(seed);
  const perms = Array.from({ length: p.shuffles }, () => rng.shuffle(Array.from({ length: task.period }, (_, i) => i)));
  const probes = layers.map((l) => fitCircleProbe(acts.get(l)!, n, d, values, task.period, p.components, l, residHook(model, l)));
  const shuffled = probes.map((pr) => shuffledOrderR2(pr.pca.scores.data, n, pr.components, values, task.period, perms));
  return { task, probes, shuffled, activations: acts };
}

export function bestProbe(t: TaskProbes): CircleProbe {
  return t.probes.reduce((a, b) => (b.r2 > a.r2 ? b : a));
}

/** The probe whose R² exceeds its shuffled-order control the most (null without shuffles). */
export function clearestProbe(t: TaskProbes): CircleProbe | null {
  if (t.shuffled.every((s) => s.length === 0)) return null;
  let best = 0;
  const margin = (i: number) => t.probes[i].r2 - mean(t.shuffled[i]);
  for (let i = 1; i < t.probes.length; i++) if (margin(i) > margin(best)) best = i;
  return t.probes[best];
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The probe's circle (predicted cos, sin) and the first two PCs at one layer, coloured by name. */
export function circleFigures(t: TaskProbes, probe: CircleProbe): FigureSection[] {
  const n = t.task.problems.length;
  const labels = t.task.problems.map((q) => t.task.names[q.a]);
  const k = probe.components;
  const pcs = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    pcs[2 * i] = probe.pca.scores.data[i * k];
    pcs[2 * i + 1] = probe.pca.scores.data[i * k + 1];
  }
  return [
    {
      kind: 'figure',
      figure: { type: 'scatter', title: `${t.task.name}: the probe's circle at layer ${probe.layer} (R² ${fmt(probe.r2)})`, x: { label: 'predicted cos 2πa/p' }, y: { label: 'predicted sin 2πa/p' }, series: labelledSeries(pointCloud(n, 2, probe.predictions), labels, { order: t.task.names }) },
      caption: `${t.probes.length > 1 ? `Layer ${probe.layer} has the ${probe === bestProbe(t) ? 'highest R²' : 'largest margin of R² over the shuffled-order control'}. ` : ''}Each point is one prompt, placed at the probe's prediction from the first ${k} PCs of the activation at the ${t.task.name === 'days' ? 'day' : 'month'} token and coloured by the name in the prompt. On a circle the names lie in their calendar order.`,
    },
    {
      kind: 'figure',
      figure: { type: 'scatter', title: `${t.task.name}: PC 0 and PC 1 of the activations at layer ${probe.layer}`, x: { label: `PC 0 (${fmt(100 * probe.pca.explainedVarianceRatio[0], 1)}%)` }, y: { label: `PC 1 (${fmt(100 * probe.pca.explainedVarianceRatio[1], 1)}%)` }, series: labelledSeries(pointCloud(n, 2, pcs), labels, { order: t.task.names }) },
      caption: 'The raw top two principal components at the same token, without the probe.',
    },
  ];
}

/** The activations at the name token projected on the probe's plane (orthonormal: scores · Q), [n, 2]. */
export function probePlane(probe: CircleProbe, n: number): Float64Array {
  const k = probe.components, S = probe.pca.scores.data, q = probe.q;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) {
    out[2 * i] += S[i * k + c] * q[2 * c];
    out[2 * i + 1] += S[i * k + c] * q[2 * c + 1];
  }
  return out;
}

export function circleProbeStudy(model: HookedTransformer, all: TaskProbes[], p: CircleProbeParams, seed = 0): Report {
  const tasks = all.map((t) => {
    const best = bestProbe(t);
    const n = t.task.problems.length;
    const plane = irreducibility(pointCloud(n, 2, probePlane(best, n)), { setting: 'cluster', seed });
    return {
      task: t.task.name, template: t.task.template, period: t.task.period, problems: t.task.problems.length,
      examplePrompt: t.task.problems[0].prompt,
      layers: t.probes.map((pr, i) => ({
        layer: pr.layer, hook: pr.hook, components: pr.components,
        explainedVariance: Array.from(pr.pca.explainedVarianceRatio).reduce((a, b) => a + b, 0),
        r2Cos: pr.r2Cos, r2Sin: pr.r2Sin, r2: pr.r2,
        shuffledR2Mean: t.shuffled[i].length ? mean(t.shuffled[i]) : null,
        shuffledR2Max: t.shuffled[i].length ? Math.max(...t.shuffled[i]) : null,
      })),
      bestLayer: best.layer, bestR2: best.r2,
      bestPlane: { mixtureIndex: plane.mixture.index, separabilityIndex: plane.separability.index },
    };
  });
  const sentences = tasks.map((t) => {
    const b = t.layers.find((l) => l.layer === t.bestLayer)!;
    return `${t.task} (${t.problems} prompts like "${t.examplePrompt}"): the circle probe reaches R² = ${fmt(b.r2)} (cos ${fmt(b.r2Cos)}, sin ${fmt(b.r2Sin)}) at layer ${b.layer} (${b.hook})` +
      (b.shuffledR2Mean !== null ? `, against ${fmt(b.shuffledR2Mean)} on average (max ${fmt(b.shuffledR2Max!)}) with the names' order shuffled` : '') +
      `; in the probe's plane the activations have M = ${fmt(t.bestPlane.mixtureIndex)} and S = ${fmt(t.bestPlane.separabilityIndex)} bits`;
  });
  const summary = `Least squares from the top ${p.components} PCs of the activation at the day/month token onto (cos 2πa/p, sin 2πa/p). ${sentences.join('; ')}.`;
  const sections: ReportSection[] = [
    {
      kind: 'figure',
      figure: {
        type: 'line', title: 'Circle probe R² by layer', x: { label: 'layer (residual stream entering the block; L = the output)' }, y: { label: 'R² (mean of cos and sin)', domain: [0, 1] },
        series: all.flatMap((t, i) => [
          { name: `${t.task.name}`, x: tasks[i].layers.map((l) => l.layer), y: tasks[i].layers.map((l) => l.r2) },
          ...(p.shuffles > 0 ? [{ name: `${t.task.name}, names shuffled (mean)`, x: tasks[i].layers.map((l) => l.layer), y: tasks[i].layers.map((l) => l.shuffledR2Mean ?? 0) }] : []),
        ]),
      },
      caption: 'R² of the circle probe at each layer; the shuffled control refits it with the names in a random circular order, so it shows how much any p distinct points in k dimensions would fit.',
    },
    {
      kind: 'table', title: 'Circle probe by layer',
      columns: ['task', 'layer', 'hook', 'R²', 'R² cos', 'R² sin', 'R² shuffled (mean)', 'R² shuffled (max)', `variance in ${p.components} PCs`],
      rows: tasks.flatMap((t) => t.layers.map((l) => [t.task, l.layer, l.hook, l.r2, l.r2Cos, l.r2Sin, l.shuffledR2Mean, l.shuffledR2Max, l.explainedVariance])),
    },
    ...all.flatMap((t) => {
      const best = bestProbe(t), clearest = clearestProbe(t);
      return [...circleFigures(t, best), ...(clearest && clearest !== best ? circleFigures(t, clearest).slice(0, 1) : [])];
    }),
  ];
  return { summary, results: { components: p.components, tasks }, sections };
}

export const circleProbeAnalysis = defineAnalysis({
  id: 'circle-probe',
  title: 'Circle probe (days of the week, months of the year)',
  level: 'algorithmic',
  summary: 'Whether the day or month named in a prompt lies on a circle: PCA-5 of the activations at its token, least squares onto (cos, sin) of its position; R² per layer',
  description:
    'Builds every prompt of the modular task ("b days from a is", the authors\' template, or the zoo models\' "b days after a is"), collects the residual stream at the token ' +
    'of the start a at every layer, reduces it to its top k principal components (k = 5) and fits (cos 2πa/p, sin 2πa/p) by least squares, as the authors\' circle probe. ' +
    'R² is 1 − mean squared error / variance per target, averaged over cos and sin. A control refits the probe with the names in a shuffled circular order. ' +
    'Layer l < L is blocks.l.hook_resid_pre; layer L is the last block\'s output.',
  references: REFERENCES,
  inputs: { models: { min: 1, max: 1 }, capabilities: ['tokenizer'] },
  params: circleProbeParams,
  results: circleProbeResults,
  async run(ctx) {
    const model = ctx.models[0];
    const p = ctx.params;
    const layers = layersOf(model, p.layers);
    const all: TaskProbes[] = [];
    for (const name of p.tasks) all.push(await probeTask(model, buildModularTask(model, name, p.template, { needAnswers: false }), layers, p, ctx.seed, ctx));
    return circleProbeStudy(model, all, p, ctx.seed);
  },
});
