/**
 * The study report: one section per level (computational: the behaviour measured; algorithmic: how it is
 * represented; implementational: which parts do it), each step's own sections under its level, the
 * closing intervention that tests the chain, and a summary that reads as the explanation, every clause a
 * measurement.
 */
import { formatNumber } from '../report/format.js';
import type { MarrLevel } from '../analysis/protocol.js';
import type { JsonValue, Report, ReportSection } from '../report/types.js';
import type { AblationMethod, BehaviourMetric } from './schema.js';

export interface StepRecord {
  id: string;
  level: MarrLevel;
  analysis: string;
  plugin: string;
  pluginVersion: string;
  /** The parameters the step ran with (links filled in, defaults added). */
  params: { [key: string]: JsonValue };
  /** The study's finding sentence, filled from the step's report (null when the study gives none). */
  finding: string | null;
  summary: string;
  results: { [key: string]: JsonValue };
  sections: ReportSection[];
}

export interface StudyResults {
  study: { name: string; title: string; format: number };
  behaviour: {
    description: string;
    metric: BehaviourMetric;
    label: string;
    target: string;
    groups: { group: string; prompts: number; value: number }[];
  };
  steps: StepRecord[];
  intervention: {
    description: string | null;
    method: AblationMethod;
    components: string[];
    hooks: string[];
    target: string;
    groups: { group: string; prompts: number; before: number; after: number; change: number }[];
    perPrompt: { group: string; before: number; after: number }[];
  };
}

export const LEVEL_HEADINGS: Readonly<Record<MarrLevel, string>> = {
  computational: 'Level 1 of 3, computational: what the model does',
  algorithmic: 'Level 2 of 3, algorithmic: how the information is represented',
  implementational: 'Level 3 of 3, implementational: which parts do it',
};

/** A metric value for prose: rates and probabilities as percentages, the others as numbers. */
export function formatBehaviourValue(metric: BehaviourMetric, v: number): string {
  return metric === 'accuracy' || metric === 'probability' ? `${formatNumber(100 * v, 3)}%` : formatNumber(v, 3);
}

function formatChange(metric: BehaviourMetric, d: number): string {
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const abs = Math.abs(d);
  return metric === 'accuracy' || metric === 'probability' ? `${sign}${formatNumber(100 * abs, 3)} points` : `${sign}${formatNumber(abs, 3)}`;
}

function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/s.exec(text.trim());
  return (m ? m[1] : text.trim()).replace(/\s+/g, ' ');
}

/** The sentence a step contributes to the summary: its finding, else the first sentence of its own summary. */
function stepSentence(s: StepRecord): string {
  const text = s.finding ?? firstSentence(s.summary);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A step's sections, titled with the step so that they read under their level heading. */
function stepSections(s: StepRecord): ReportSection[] {
  const tag = `${s.id} (${s.analysis})`;
  const out: ReportSection[] = [{ kind: 'note', title: `Step ${tag}, ${s.plugin} ${s.pluginVersion}`, text: s.summary }];
  for (const sec of s.sections) {
    if (sec.kind === 'figure') out.push({ ...sec, figure: { ...sec.figure, title: `${s.id}: ${sec.figure.title}` } });
    else if (sec.kind === 'artifact') out.push({ ...sec, name: `${s.id}: ${sec.name}` });
    else if (sec.kind === 'note') out.push({ ...sec, title: `${s.id}: ${sec.title ?? 'note'}` });
    else out.push({ ...sec, title: `${s.id}: ${sec.title}` });
  }
  return out;
}

export function buildStudyReport(results: StudyResults): Report {
  const { behaviour: b, intervention: iv, steps } = results;
  const fmt = (v: number) => formatBehaviourValue(b.metric, v);
  const groupList = b.groups.map((g) => `${fmt(g.value)} on ${g.group} prompts`).join(', ');
  const measured = `The model ${b.description.replace(/^the model /i, '').replace(/\.$/, '')}: ${b.label} ${groupList} (measured on ${b.groups.reduce((a, g) => a + g.prompts, 0)} prompts).`;
  const byLevel = (level: MarrLevel) => steps.filter((s) => s.level === level);
  const t = iv.groups.find((g) => g.group === iv.target)!;
  const others = iv.groups.filter((g) => g.group !== iv.target);
  const closing =
    `${iv.method === 'zero' ? 'Zero-ablating' : 'Mean-ablating'} ${iv.components.join(', ')} changes the ${b.label} on ${t.group} prompts from ${fmt(t.before)} to ${fmt(t.after)} (${formatChange(b.metric, t.change)}, measured)` +
    (others.length ? `; on ${others.map((g) => `${g.group} prompts from ${fmt(g.before)} to ${fmt(g.after)} (${formatChange(b.metric, g.change)})`).join(', ')}.` : '.');
  const summary = [
    measured,
    ...byLevel('computational').map(stepSentence),
    ...byLevel('algorithmic').map(stepSentence),
    ...byLevel('implementational').map(stepSentence),
    closing,
  ].join(' ');

  const sections: ReportSection[] = [
    { kind: 'note', title: LEVEL_HEADINGS.computational, text: measured },
    {
      kind: 'table',
      title: `Behaviour: ${b.label === b.metric ? b.metric : `${b.label} (metric: ${b.metric})`} by group`,
      columns: ['group', 'prompts', b.label],
      // Shown as the prose shows them (rates as percentages); results keep the numbers.
      rows: b.groups.map((g) => [g.group, g.prompts, fmt(g.value)]),
    },
    ...byLevel('computational').flatMap(stepSections),
  ];
  for (const level of ['algorithmic', 'implementational'] as const) {
    const at = byLevel(level);
    sections.push({
      kind: 'note',
      title: LEVEL_HEADINGS[level],
      text: at.length ? at.map((s) => `${stepSentence(s)} (step ${s.id}, ${s.analysis})`).join('\n') : 'This study has no step at this level.',
    });
    sections.push(...at.flatMap(stepSections));
  }
  sections.push(
    {
      kind: 'note',
      title: 'The chain tested: the closing intervention',
      text:
        `${iv.description ? `${iv.description}\n\n` : ''}The behaviour's prompts are run again with ${iv.components.join(', ')} ` +
        `${iv.method === 'zero' ? 'set to zero' : 'set to their mean over every position of every behaviour prompt'} (hook points ${iv.hooks.join(', ')}).\n\n${closing}`,
    },
    {
      kind: 'table',
      title: `Closing intervention: ${b.label} before and after ablating ${iv.components.join(', ')}`,
      columns: ['group', 'prompts', 'before', 'after', 'change'],
      rows: iv.groups.map((g) => [g.group, g.prompts, fmt(g.before), fmt(g.after), formatChange(b.metric, g.change)]),
    },
    {
      kind: 'figure',
      figure: {
        type: 'bar',
        title: `${b.label} by group, before and after the ablation`,
        x: { label: 'group' },
        y: { label: b.label },
        categories: iv.groups.map((g) => g.group),
        series: [
          { name: 'model', values: iv.groups.map((g) => g.before) },
          { name: `${iv.components.join(', ')} ablated`, values: iv.groups.map((g) => g.after) },
        ],
      },
    },
  );
  return { summary, results: JSON.parse(JSON.stringify(results)) as Report['results'], sections };
}
