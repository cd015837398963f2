/**
 * The report of refusal-direction: results (the contract in analyses/results.ts), the summary with the
 * finding and its numbers, figures of the candidates' scores per layer and position and of the refusal
 * rates under each intervention, and tables (generations are shown as table cells, which every renderer
 * escapes).
 */
import type { HookedTransformer, JsonValue, Report, ReportSection } from '@marr/core';
import type { RefusalDirectionParams } from '../analyses/params.js';
import type { RefusalDirectionResults } from '../analyses/results.js';
import { CONDITIONS, type Condition, type Evaluation, type Rates } from '../evaluation/evaluate.js';
import type { Candidate, Selection } from '../selection/select-direction.js';

export interface ReportInput {
  model: HookedTransformer;
  params: RefusalDirectionParams;
  /** The template used (the parameter, the model's chat template or the default). */
  template: string;
  refusalTokens: { text: string; id: number }[];
  positions: string[];
  split: {
    harmful: { pool: number; train: string[]; val: string[]; test: string[]; trainDropped: number; valDropped: number };
    harmless: { pool: number; train: string[]; val: string[]; test: string[]; trainDropped: number; valDropped: number };
    filtered: boolean;
    filterFallback: boolean;
  };
  trainRefusing: { harmful: number; harmless: number };
  selection: Selection;
  chosen: number | null;
  evaluation: Evaluation | null;
  saved: { direction: string | null; model: string | null };
}

/** A finite number, or null (JSON has no NaN). */
const fin = (x: number): number | null => (Number.isFinite(x) ? x : null);
const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'n/a' : `${Math.round(100 * x)}%`);
const f = (x: number | null, digits = 3): string => (x === null || !Number.isFinite(x) ? 'n/a' : Number(x.toPrecision(digits)).toString());

const CONDITION_TITLES: Record<Condition, string> = {
  baseline: 'baseline',
  ablation: 'directional ablation',
  actAdd: 'activation addition',
  orthogonalized: 'orthogonalised weights',
};

export type Verdict = RefusalDirectionResults['verdict'];

/** The thresholds of the issue: refusal mediated by one direction when ablation removes it and addition induces it. */
export function verdictOf(chosen: number | null, e: Evaluation | null): Verdict {
  if (chosen === null) return 'no-direction';
  if (!e) return 'not-evaluated';
  if (!(e.rates.baseline.harmfulRefusalRate >= 0.5)) return 'does-not-refuse';
  return e.rates.ablation.harmfulRefusalRate <= 0.1 && e.rates.actAdd.harmlessRefusalRate >= 0.8 ? 'single-direction' : 'not-mediated';
}

function ratesJson(r: Rates): Record<string, number | null> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, fin(v)]));
}

function candidateJson(c: Candidate) {
  return { layer: c.layer, position: c.position, token: c.token, norm: c.norm, bypassScore: fin(c.bypassScore), induceScore: fin(c.induceScore), kl: fin(c.kl), discarded: c.discarded, discardReasons: c.discardReasons };
}

function examplesOf(e: Evaluation, n: number, judge: RefusalDirectionParams['judge']) {
  const out: { condition: string; class: 'harmful' | 'harmless'; instruction: string; completion: string; refused: boolean }[] = [];
  for (const c of CONDITIONS) {
    for (const cls of ['harmful', 'harmless'] as const) {
      for (const g of e.generations[c][cls].slice(0, n)) {
        const refused = judge === 'phrases' ? g.phraseRefusal : judge === 'score' ? g.score > 0 : g.phraseRefusal || g.score > 0;
        out.push({ condition: c, class: cls, instruction: g.instruction, completion: g.completion, refused });
      }
    }
  }
  return out;
}

function summaryOf(x: ReportInput, verdict: Verdict): string {
  const { selection: s, split, evaluation: e } = x;
  const L = x.model.config.nLayers;
  const parts: string[] = [];
  const kept = s.candidates.filter((c) => !c.discarded).length;
  parts.push(
    `${s.candidates.length} candidate directions (${x.positions.length} post-instruction positions x ${L} layers) from ${split.harmful.train.length} harmful and ${split.harmless.train.length} harmless training prompts` +
      (split.filtered ? ` (the filter dropped ${split.harmful.trainDropped} and ${split.harmless.trainDropped})` : split.filterFallback ? ' (unfiltered: the filter left too few prompts)' : '') +
      `; ${kept} pass the filter (layer < ${s.maxLayer + 1}, KL <= ${x.params.klThreshold}, induce >= ${x.params.induceThreshold}).`,
  );
  if (x.chosen === null) {
    parts.push('No candidate has finite scores, so no direction is selected.');
    return parts.join(' ');
  }
  const c = s.candidates[x.chosen];
  parts.push(
    `${s.selected === null ? 'None passes, so the lowest bypass score among all is shown (not a refusal direction by the paper\'s criteria): ' : 'Selected: '}` +
      `layer ${c.layer}, position ${c.position} (${JSON.stringify(c.token)}), |r| = ${f(c.norm)}. On the validation prompts, ablating it moves the mean harmful refusal score from ${f(s.baselineHarmful)} to ${f(c.bypassScore)}; ` +
      `adding it moves the harmless one from ${f(s.baselineHarmless)} to ${f(c.induceScore)}; KL on harmless prompts ${f(c.kl)}.`,
  );
  if (e) {
    const r = e.rates;
    parts.push(
      `On ${e.generations.baseline.harmful.length} held-out harmful and ${e.generations.baseline.harmless.length} harmless prompts (${x.params.judge === 'either' ? 'refusal phrase or refusal score > 0' : x.params.judge === 'phrases' ? 'refusal phrases' : 'refusal score > 0'}): ` +
        `harmful refused ${pct(r.baseline.harmfulRefusalRate)} at baseline, ${pct(r.ablation.harmfulRefusalRate)} with the direction ablated, ${pct(r.orthogonalized.harmfulRefusalRate)} with orthogonalised weights, ${pct(r.actAdd.harmfulRefusalRate)} with -r added; ` +
        `harmless refused ${pct(r.baseline.harmlessRefusalRate)} at baseline and ${pct(r.actAdd.harmlessRefusalRate)} with +r added. ` +
        `Ablation changes the loss on ${e.loss.text === 'lossText' ? 'the ordinary text' : 'the harmless completions'} by ${f(e.loss.ablation - e.loss.baseline)} nats per token (${e.loss.tokens} tokens).`,
    );
  }
  const verdictText: Record<Verdict, string> = {
    'single-direction': 'Verdict: one direction mediates refusal here (ablating it removes refusal, adding it induces refusal).',
    'not-mediated': 'Verdict: this direction does not mediate refusal on its own (ablation leaves harmful prompts refused, or addition does not induce refusal).',
    'does-not-refuse': 'Verdict: the model does not refuse the harmful prompts in the first place, so there is no refusal for a direction to mediate; the direction is a harmful-harmless difference in its activations.',
    'no-direction': '',
    'not-evaluated': 'Not evaluated on held-out prompts (evaluate=false).',
  };
  if (verdictText[verdict]) parts.push(verdictText[verdict]);
  return parts.join(' ');
}

function scoreFigure(title: string, yLabel: string, x: ReportInput, value: (c: Candidate) => number, baseline: number | null): ReportSection {
  const L = x.model.config.nLayers;
  const layers = Array.from({ length: L }, (_, l) => l);
  const series = x.positions.map((tok, p) => ({
    name: `${p - x.positions.length}: ${tok}`,
    x: layers,
    y: layers.map((l) => value(x.selection.candidates[p * L + l])),
  }));
  if (baseline !== null) series.push({ name: 'baseline', x: layers, y: layers.map(() => baseline) });
  return {
    kind: 'figure',
    figure: { type: 'line', title, x: { label: 'layer the direction comes from (resid_pre)' }, y: { label: yLabel }, series, marks: [{ kind: 'band', from: x.selection.maxLayer + 0.5, to: L - 1, label: 'pruned layers' }] },
  };
}

export function buildReport(x: ReportInput): Report {
  const { selection: s, split, evaluation: e, params } = x;
  const verdict = verdictOf(x.chosen, e);
  const c = x.chosen === null ? null : s.candidates[x.chosen];
  const results: RefusalDirectionResults = {
    model: x.model.source.spec,
    template: x.template,
    refusalTokens: x.refusalTokens,
    positions: x.positions,
    nLayers: x.model.config.nLayers,
    splits: {
      harmful: { pool: split.harmful.pool, train: split.harmful.train.length, val: split.harmful.val.length, test: split.harmful.test.length, trainDropped: split.harmful.trainDropped, valDropped: split.harmful.valDropped },
      harmless: { pool: split.harmless.pool, train: split.harmless.train.length, val: split.harmless.val.length, test: split.harmless.test.length, trainDropped: split.harmless.trainDropped, valDropped: split.harmless.valDropped },
      filtered: split.filtered,
      filterFallback: split.filterFallback,
    },
    baseline: { harmfulValScore: fin(s.baselineHarmful), harmlessValScore: fin(s.baselineHarmless), harmfulTrainRefusing: x.trainRefusing.harmful, harmlessTrainRefusing: x.trainRefusing.harmless },
    candidates: s.candidates.map(candidateJson),
    selected: c && { layer: c.layer, position: c.position, token: c.token, norm: c.norm, bypassScore: fin(c.bypassScore), induceScore: fin(c.induceScore), kl: fin(c.kl), passedFilter: s.selected !== null },
    evaluation: e && {
      judge: params.judge,
      maxNewTokens: params.maxNewTokens,
      harmful: e.generations.baseline.harmful.length,
      harmless: e.generations.baseline.harmless.length,
      baseline: ratesJson(e.rates.baseline),
      ablation: ratesJson(e.rates.ablation),
      actAdd: ratesJson(e.rates.actAdd),
      orthogonalized: ratesJson(e.rates.orthogonalized),
      orthogonalizedMaxLogitDifference: fin(e.orthogonalizedMaxLogitDifference),
      loss: { text: e.loss.text, tokens: e.loss.tokens, baseline: fin(e.loss.baseline), ablation: fin(e.loss.ablation), orthogonalized: fin(e.loss.orthogonalized), ablationChange: fin(e.loss.ablation - e.loss.baseline) },
      examples: examplesOf(e, params.examples, params.judge),
    } as RefusalDirectionResults['evaluation'],
    verdict,
    saved: x.saved,
  };

  const classRow = (name: string, c: ReportInput['split']['harmful'], refusing: number) =>
    [name, c.pool, c.train.length, c.val.length, c.test.length, c.trainDropped, c.valDropped, Number(f(refusing, 3))];
  const sections: ReportSection[] = [
    {
      kind: 'table',
      title: 'Prompts',
      columns: ['class', 'in the file', 'train', 'val', 'test', 'train dropped by the filter', 'val dropped', 'train share with refusal score > 0'],
      rows: [classRow('harmful', split.harmful, x.trainRefusing.harmful), classRow('harmless', split.harmless, x.trainRefusing.harmless)],
    },
    {
      kind: 'scalars',
      title: 'Baseline refusal scores (validation prompts)',
      items: [
        { name: 'mean refusal score, harmful val', value: s.baselineHarmful, help: 'log p - log(1 - p), p the probability of the refusal tokens at the last position' },
        { name: 'mean refusal score, harmless val', value: s.baselineHarmless },
      ],
    },
  ];
  if (split.filterFallback) {
    sections.push({ kind: 'note', title: 'Filter', text: `Filtering by the refusal score would leave fewer than 2 prompts in a split (harmful train prompts with score > 0: ${Math.round(100 * x.trainRefusing.harmful)}%), so the unfiltered split is used: the model does not refuse these prompts the way the method assumes.` });
  }
  sections.push(
    scoreFigure('Bypass score: harmful val prompts with the direction ablated at every layer', 'mean refusal score (lower: refusal removed)', x, (cd) => cd.bypassScore, fin(s.baselineHarmful)),
    scoreFigure('Induce score: harmless val prompts with r added at its layer', 'mean refusal score (higher: refusal induced)', x, (cd) => cd.induceScore, fin(s.baselineHarmless)),
    scoreFigure('KL(base || ablated) on harmless val prompts', 'KL (nats)', x, (cd) => cd.kl, null),
    {
      kind: 'table',
      title: 'Candidates (lowest bypass score first)',
      columns: ['layer', 'position', 'token', '|r|', 'bypass', 'induce', 'KL', 'discarded because'],
      rows: [...s.candidates]
        .sort((a, b) => a.bypassScore - b.bypassScore)
        .map((cd) => [cd.layer, cd.position, cd.token, Number(f(cd.norm, 4)), Number(f(cd.bypassScore, 4)), Number(f(cd.induceScore, 4)), Number(f(cd.kl, 4)), cd.discardReasons.join(', ') || '(kept)']),
      terminalRows: 8,
    },
  );
  if (e) {
    sections.push(
      {
        kind: 'figure',
        figure: {
          type: 'bar',
          title: 'Refusal rate on held-out prompts under each intervention',
          x: { label: 'condition' },
          y: { label: 'share refused', domain: [0, 1] },
          categories: CONDITIONS.map((cd) => CONDITION_TITLES[cd]),
          series: [
            { name: 'harmful', values: CONDITIONS.map((cd) => e.rates[cd].harmfulRefusalRate) },
            { name: 'harmless', values: CONDITIONS.map((cd) => e.rates[cd].harmlessRefusalRate) },
          ],
        },
        caption: `Activation addition adds +r on harmless and -r on harmful prompts at layer ${c!.layer}. Refusal: ${params.judge === 'either' ? 'a refusal phrase in the completion or a refusal score > 0' : params.judge === 'phrases' ? 'a refusal phrase in the completion' : 'a refusal score > 0 at the last prompt position'}.`,
      },
      {
        kind: 'table',
        title: 'Refusal rates',
        columns: ['condition', 'harmful refused', 'harmless refused', 'harmful: phrase', 'harmless: phrase', 'harmful: score > 0', 'harmless: score > 0', 'harmful mean score', 'harmless mean score'],
        rows: CONDITIONS.map((cd) => {
          const r = e.rates[cd];
          return [CONDITION_TITLES[cd], r.harmfulRefusalRate, r.harmlessRefusalRate, r.harmfulPhraseRate, r.harmlessPhraseRate, r.harmfulScoreRate, r.harmlessScoreRate, Number(f(r.harmfulMeanScore, 4)), Number(f(r.harmlessMeanScore, 4))];
        }),
      },
      {
        kind: 'scalars',
        title: 'Cost on ordinary text and exactness',
        items: [
          { name: 'loss, baseline', value: e.loss.baseline, unit: 'nats/token' },
          { name: 'loss, direction ablated', value: e.loss.ablation, unit: 'nats/token' },
          { name: 'loss, orthogonalised weights', value: e.loss.orthogonalized, unit: 'nats/token' },
          { name: 'loss change under ablation', value: e.loss.ablation - e.loss.baseline, unit: 'nats/token', help: `${e.loss.tokens} tokens of ${e.loss.text === 'lossText' ? 'the lossText file' : 'harmless baseline completions'}` },
          { name: 'max |logit difference|, ablation hooks vs orthogonalised weights', value: e.orthogonalizedMaxLogitDifference },
        ],
      },
      {
        kind: 'table',
        title: 'First generations',
        columns: ['condition', 'class', 'instruction', 'completion', 'refused'],
        rows: (results.evaluation?.examples ?? []).map((g) => [CONDITION_TITLES[g.condition as Condition], g.class, g.instruction, g.completion, g.refused]),
        terminalRows: 8,
      },
    );
  }
  if (x.saved.direction || x.saved.model) {
    sections.push({ kind: 'note', title: 'Saved', text: [x.saved.direction && `direction: ${x.saved.direction}`, x.saved.model && `orthogonalised model: ${x.saved.model}`].filter(Boolean).join('; ') });
  }
  return { summary: summaryOf(x, verdict), results: results as unknown as { [key: string]: JsonValue }, sections };
}
