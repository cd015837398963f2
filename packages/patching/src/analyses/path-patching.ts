import { defineAnalysis, MarrUsageError, parseReceiver, parseSender, pathPatchingSweep, z, type HookedTransformer, type Report } from '@marr/core';
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';
import { fmt } from '../report/format.js';
import { baselineSection, describeCell, gridSections, topCells } from '../report/grid-report.js';
import { pairsFromContext, PAIRS_DATA } from './input.js';
import { commonParams } from './params.js';
import { REFERENCES } from './references.js';
import { pathPatchingResults } from './results.js';
import { checkGap, firstPairs, metricFor, progressTicker, type StudyIo } from './study.js';

export const pathPatchingParams = z.object({
  senders: z
    .array(z.string())
    .default([])
    .describe('Sender sets, each patched on its own: components joined by + form one set (L3H0+L3H1); L{layer}H{head} is a head\'s output, L{layer}MLP an MLP\'s. Empty: every head on its own, as a layer x head grid.'),
  receivers: z
    .array(z.string())
    .default(['logits'])
    .describe('Where the senders\' effect may arrive: L{layer}H{head} (its q, k and v inputs), L{layer}H{head}.q / .k / .v, L{layer}MLP (its input), blocks.{layer}.hook_resid_pre|mid|post, or logits (the direct effect).'),
  ...commonParams,
});

export type PathPatchingParams = z.output<typeof pathPatchingParams>;

/** The analysis on tokenized pairs (what `run` does after reading the file). */
export async function pathPatchingStudy(model: HookedTransformer, all: TokenizedPairs, params: PathPatchingParams, io: StudyIo): Promise<Report> {
  const pairs = firstPairs(all, params.maxPairs);
  const P = pairs.clean.length;
  const { nLayers: L, nHeads: H } = model.config;
  const eachHead = params.senders.length === 0;
  const senderSets = eachHead
    ? Array.from({ length: L * H }, (_, i) => [`L${Math.floor(i / H)}H${i % H}`])
    : params.senders.map((s) => s.split('+').map((x) => x.trim()).filter((x) => x.length > 0));
  // Bad component names are the user's to fix: say which parameter.
  const check = (what: string, names: readonly string[], parse: (n: string) => unknown) => {
    for (const n of names) {
      try {
        parse(n);
      } catch (err) {
        throw new MarrUsageError(`--param ${what}: ${(err as Error).message.replace(/^path patching: /, '')}`);
      }
    }
  };
  senderSets.forEach((set, i) => {
    if (set.length === 0) throw new MarrUsageError(`--param senders: entry ${i + 1} names no component; use L{layer}H{head} or L{layer}MLP, joined by + for one set`);
    check('senders', set, (n) => parseSender(model, n));
  });
  if (params.receivers.length === 0) throw new MarrUsageError('--param receivers is empty; name at least one receiver, e.g. receivers=logits');
  check('receivers', params.receivers, (n) => parseReceiver(model, n));
  const metric = metricFor(params.metric, pairs);
  const sweep = await pathPatchingSweep({
    model, clean: pairs.clean, corrupted: pairs.corrupted, metric, senderSets, receivers: params.receivers,
    batchSize: params.batchSize, signal: io.signal, onProgress: progressTicker(io, 'path patching'),
  });
  checkGap(sweep.clean, sweep.corrupted, params.metric);
  // Reported as the share of the clean-corrupted gap the paths carry: 0 = none, 1 = all of it.
  const effect = sweep.normalised.map((n) => 1 - n);
  const rows = eachHead ? Array.from({ length: L }, (_, l) => `L${l}`) : senderSets.map((s) => s.join('+'));
  const columns = eachHead ? Array.from({ length: H }, (_, h) => `H${h}`) : ['effect'];
  const shape = <T>(xs: T[]) => (eachHead ? rows.map((_, l) => xs.slice(l * H, (l + 1) * H)) : xs.map((x) => [x]));
  const results = { rows, columns, values: shape(sweep.values), normalised: shape(effect) };
  const top = topCells(results, params.top);
  const receiversText = params.receivers.join(', ');
  const summary =
    `Path patching over ${P} pair${P === 1 ? '' : 's'} to ${receiversText}: ${params.metric} is ${fmt(sweep.clean)} on the clean and ${fmt(sweep.corrupted)} on the corrupted prompts. ` +
    `The senders whose corrupted output moves it most through these receivers (share of the gap) are ` +
    top.slice(0, 3).map((t) => `${eachHead ? `${t.row}${t.column}` : describeCell(t, true)} (${fmt(t.normalised, 2)})`).join(', ') + '.';
  return {
    summary,
    results: {
      grid: results,
      senders: senderSets.map((s) => s.join('+')),
      receivers: [...params.receivers],
      metric: params.metric,
      clean: sweep.clean,
      corrupted: sweep.corrupted,
      pairs: P,
      top: top.map((t) => ({ ...t })),
    },
    sections: [
      baselineSection(params.metric, sweep.clean, sweep.corrupted, P),
      ...gridSections({
        grid: results, top,
        title: `Share of the clean-corrupted gap carried from each sender to ${receiversText}`,
        xLabel: eachHead ? 'head' : 'measure',
        yLabel: eachHead ? 'layer' : 'senders',
        colorLabel: 'share of the gap',
        caption: 'Each cell: the clean run with the senders\' outputs taken from the corrupted run, reaching the output only through the receivers; 0 means these paths carry none of the clean-corrupted difference, 1 all of it. results.grid.values holds the raw metric.',
        metricName: params.metric,
      }),
    ],
  };
}

export const pathPatchingAnalysis = defineAnalysis({
  id: 'path-patching',
  title: 'Path patching',
  level: 'implementational',
  summary: "The effect of senders' corrupted outputs when it may reach the output only through the receivers (Wang et al. 2023)",
  description:
    'Two runs per sender set on the clean prompt (Wang et al. 2023): first the senders\' outputs come from the corrupted run while every other head and MLP is frozen at ' +
    'its clean output, except the receivers, whose inputs are saved; then the receivers get those inputs and everything downstream recomputes. With every component and the ' +
    'logits as receivers this equals activation patching of the senders; with only the logits it is their direct effect.',
  references: REFERENCES,
  inputs: { models: { min: 1, max: 1 }, data: PAIRS_DATA, capabilities: ['tokenizer'] },
  params: pathPatchingParams,
  results: pathPatchingResults,
  async run(ctx) {
    const model = ctx.models[0];
    const pairs = await pairsFromContext(ctx, model);
    return pathPatchingStudy(model, pairs, ctx.params, ctx);
  },
});
