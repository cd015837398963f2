/** The saliency analysis on prompts (what `run` does after reading the inputs). */
import {
  integratedGradients, MarrUsageError, patchingMetric,
  type HookedTransformer, type IntegratedGradientsResult, type Progress, type Report,
} from '@marr/core';
import { completenessStats, convergenceSteps } from '../convergence/completeness.js';
import type { SaliencyPrompt } from '../prompts/saliency-prompts.js';
import { fmt, quoteToken } from '../report/format.js';
import { saliencySections } from '../report/sections.js';
import { textPieces } from '../report/token-pieces.js';
import { resolveBaseline } from '../targets/baseline-choice.js';
import { resolveTargets } from '../targets/answer-tokens.js';
import type { SaliencyParams } from './params.js';
import type { SaliencyResults } from './results.js';

export interface StudyIo {
  progress: Progress;
  signal: AbortSignal;
}

const METRIC_TEXT = {
  'logit-diff': 'logit(answer) - logit(wrong)',
  probability: 'p(answer)',
  loss: '-log p(answer)',
} as const;

function argmaxAbs(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i]) > Math.abs(xs[best])) best = i;
  return best;
}

export async function saliencyStudy(model: HookedTransformer, all: readonly SaliencyPrompt[], params: SaliencyParams, io: StudyIo): Promise<Report> {
  if (!model.tokenizer) throw new MarrUsageError('saliency needs a model with a tokenizer (to read the prompts and show the tokens); load the model with its tokenizer');
  if (all.length === 0) throw new MarrUsageError('saliency needs prompts: --input prompts=<file.jsonl|file.txt> or --param prompt="..."');
  const prompts = all.slice(0, params.maxPrompts);
  const needsWrong = params.metric === 'logit-diff';
  const targets = await resolveTargets(model, prompts, { answer: params.answer, wrong: params.wrong }, needsWrong);
  const metric = patchingMetric(params.metric, targets.answers, needsWrong ? targets.wrongs : undefined);
  const baseline = resolveBaseline(model, params.baseline);
  const bos = model.tokenizer.bosTokenId;
  const fixedPositions = params.keepBos && bos !== null && targets.tokens.every((t) => t[0] === bos) ? [0] : [];
  const run = (steps: number): Promise<IntegratedGradientsResult> =>
    integratedGradients(model, targets.tokens, {
      metric, baseline, fixedPositions, steps, rule: params.rule, batchSize: params.batchSize, signal: io.signal, progress: io.progress,
    });

  const main = await run(params.steps);
  const convergence = params.convergence
    ? await sequential(convergenceSteps(params.steps), async (n) => ({ steps: n, ...completenessStats(await run(n)) }))
    : [];
  const completeness = completenessStats(main);
  if (params.convergence) convergence.push({ steps: params.steps, ...completeness });

  const tokenString = (id: number) => model.tokenizer!.tokenString(id);
  const results: SaliencyResults = {
    metric: params.metric,
    steps: main.steps,
    rule: main.rule,
    baseline: params.baseline,
    keepBos: fixedPositions.length > 0,
    prompts: main.prompts.map((r, i) => {
      const tokens = model.toStrTokens(r.tokens);
      const top = argmaxAbs(r.attributions);
      return {
        source: prompts[i].source,
        text: prompts[i].text,
        tokens,
        pieces: textPieces(model.tokenizer!, r.tokens, tokens),
        ids: r.tokens,
        answer: tokenString(targets.answers[i]),
        wrong: needsWrong ? tokenString(targets.wrongs[i]) : null,
        answerPredicted: targets.predicted[i].answer,
        metric: r.metric,
        baselineMetric: r.baselineMetric,
        total: r.total,
        completenessError: r.completenessError,
        attributions: r.attributions,
        gradientTimesInput: r.gradientTimesInput,
        top: { position: top, token: tokens[top], attribution: r.attributions[top] },
        path: r.path,
      };
    }),
    completeness,
    convergence,
    passes: main.passes,
    points: main.points,
  };
  return { summary: summaryOf(results), results: results as unknown as Report['results'], sections: saliencySections(results, METRIC_TEXT[params.metric]) };
}

async function sequential<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await f(item));
  return out;
}

function summaryOf(r: SaliencyResults): string {
  const P = r.prompts.length;
  const metricText = METRIC_TEXT[r.metric as keyof typeof METRIC_TEXT];
  const shown = r.prompts.slice(0, 3).map((p, i) => {
    const gap = p.metric - p.baselineMetric;
    return `${quoteToken(p.top.token)} in prompt ${i + 1} (${fmt(p.top.attribution, 2)} of a change of ${fmt(gap, 2)})`;
  });
  const agree = r.prompts.filter((p) => argmaxAbs(p.gradientTimesInput) === p.top.position).length;
  const c = r.completeness;
  const rel = c.meanRelativeError === null ? '' : ` (${fmt(100 * c.meanRelativeError, 2)}% of |metric(x) - metric(x')|)`;
  const first = r.convergence.length > 1 ? r.convergence[0] : null;
  const curve = first ? `; with ${first.steps} step${first.steps === 1 ? '' : 's'} it was ${fmt(first.meanAbsError)}` : '';
  return (
    `Integrated gradients of ${r.metric} (${metricText} at the last position) along the straight path from the ${r.baseline} baseline${r.keepBos ? ' (BOS kept)' : ''} ` +
    `to each prompt's token embeddings, ${r.steps} ${r.rule} steps, over ${P} prompt${P === 1 ? '' : 's'}. The most attributed token is ${shown.join(', ')}${P > 3 ? ', ...' : ''}. ` +
    `Gradient × input picks the same top token in ${agree} of ${P}. Completeness: Σ attributions - (metric(x) - metric(x')) is ${fmt(c.meanAbsError)} on average${rel}, at most ${fmt(c.maxAbsError)}${curve}.` +
    (c.meanRelativeError !== null && c.meanRelativeError > LARGE_ERROR ? ` ${largeErrorHint(r)}` : '')
  );
}

/** Above this mean relative completeness error the summary says how to shrink it. */
const LARGE_ERROR = 0.05;

function largeErrorHint(r: SaliencyResults): string {
  const fixes = [`more steps (--param steps=${Math.min(4096, r.steps * 4)})`];
  if (r.rule !== 'graded' && r.baseline === 'zero') fixes.push('--param rule=graded');
  if (r.baseline === 'zero') fixes.push('a token baseline (--param baseline=eos or bos), which has no jump at the start of the path');
  return `The error is large, so these attributions do not yet add up to the metric's change: try ${fixes.join(', or ')}.`;
}
