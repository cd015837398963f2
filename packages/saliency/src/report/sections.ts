/**
 * The report of the saliency analysis: the attributions as highlighted token strips (integrated gradients
 * and gradient × input), a table per token, the completeness check per prompt, the completeness error
 * against the number of steps, and the metric along each path. Token strings go into report sections
 * as they are; every renderer escapes them.
 */
import type { ReportSection } from '@marr/core';
import type { SaliencyResults } from '../analyses/results.js';

type PromptResult = SaliencyResults['prompts'][number];

const MAX_PATH_LINES = 8;

export function promptLabel(p: PromptResult, i: number): string {
  return `#${i + 1} ${p.answer}${p.wrong !== null ? ` vs ${p.wrong}` : ''}`;
}

export function saliencySections(r: SaliencyResults, metricText: string): ReportSection[] {
  const sections: ReportSection[] = [
    {
      kind: 'tokens',
      title: 'Integrated gradients per token',
      valueLabel: `attribution to ${metricText} (orange raises it, blue lowers it)`,
      rows: r.prompts.map((p, i) => ({ label: promptLabel(p, i), tokens: p.pieces, values: p.attributions })),
      caption: `Each token's share of metric(x) - metric(x') along the straight path from the ${r.baseline} baseline (${r.steps} ${r.rule} steps${r.keepBos ? ', BOS kept at its embedding' : ''}).`,
    },
    {
      kind: 'tokens',
      title: 'Gradient × input per token',
      valueLabel: `gradient of ${metricText} at the input times (input - baseline)`,
      rows: r.prompts.map((p, i) => ({ label: promptLabel(p, i), tokens: p.pieces, values: p.gradientTimesInput })),
      caption: 'The one-step saliency: the local slope at the prompt, which need not add up to anything.',
    },
    {
      kind: 'table',
      title: 'Completeness per prompt',
      columns: ['prompt', 'answer', 'wrong', "metric(x)", "metric(x')", 'Σ attributions', 'error', 'relative error', 'top token', 'its attribution'],
      rows: r.prompts.map((p, i) => {
        const gap = p.metric - p.baselineMetric;
        return [`#${i + 1}`, p.answer, p.wrong, p.metric, p.baselineMetric, p.total, p.completenessError, gap !== 0 ? Math.abs(p.completenessError) / Math.abs(gap) : null, p.top.token, p.top.attribution];
      }),
    },
    {
      kind: 'table',
      title: 'Attributions per token',
      columns: ['prompt', 'position', 'token', 'integrated gradients', 'gradient × input'],
      rows: r.prompts.flatMap((p, i) => p.tokens.map((t, pos) => [`#${i + 1}`, pos, t, p.attributions[pos], p.gradientTimesInput[pos]] as (string | number)[])),
      terminalRows: 20,
    },
  ];
  if (r.convergence.length > 1) {
    const positive = r.convergence.every((c) => c.meanAbsError > 0 && c.maxAbsError > 0);
    sections.push({
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Completeness error against the number of steps',
        x: { label: 'steps', scale: 'log' },
        y: { label: '|Σ attributions - (metric(x) - metric(x\'))|', scale: positive ? 'log' : 'linear' },
        series: [
          { name: 'mean over prompts', x: r.convergence.map((c) => c.steps), y: r.convergence.map((c) => c.meanAbsError) },
          { name: 'largest', x: r.convergence.map((c) => c.steps), y: r.convergence.map((c) => c.maxAbsError) },
        ],
      },
      caption: `The ${r.rule} rule's error for 1, 2, 4, ... steps. For a smooth integrand a doubling of the steps divides it by ${r.rule === 'right' ? 'two' : r.rule === 'gauss-legendre' ? 'far more than four' : 'four'}; a path whose metric jumps (a norm's scale invariance near the zero baseline) converges more slowly.`,
    });
  }
  sections.push({
    kind: 'figure',
    figure: {
      type: 'line',
      title: 'The metric along the path from the baseline (α = 0) to the prompt (α = 1)',
      x: { label: 'α', domain: [0, 1] },
      y: { label: metricText },
      series: r.prompts.slice(0, MAX_PATH_LINES).map((p, i) => ({ name: promptLabel(p, i), x: p.path.alpha, y: p.path.metric })),
    },
    caption: `Integrated gradients adds up the slope of these curves${r.prompts.length > MAX_PATH_LINES ? ` (the first ${MAX_PATH_LINES} prompts shown; all in results.prompts[].path)` : ''}.`,
  });
  sections.push({
    kind: 'scalars',
    title: 'Cost',
    items: [
      { name: 'forward + backward passes', value: r.passes },
      { name: 'path points', value: r.points },
      { name: 'prompts', value: r.prompts.length },
      { name: `mean |completeness error| (in ${metricText})`, value: r.completeness.meanAbsError },
    ],
  });
  return sections;
}
