import {
  activationPatching, attributionPatching, defineAnalysis, PATCH_HOOKS, PATCH_OVER, z,
  type HookedTransformer, type PatchHook, type PatchingGrid, type PatchOver, type Report, type ReportSection,
} from '@marr/core';
import { gridAgreement, type GridAgreement } from '../compare/correlation.js';
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';
import { comparisonSections } from '../report/comparison-report.js';
import { fmt } from '../report/format.js';
import { baselineSection, describeCell, topCells, type GridResults } from '../report/grid-report.js';
import { pairsFromContext, PAIRS_DATA } from './input.js';
import { positionLabels } from './labels.js';
import { commonParams } from './params.js';
import { ATTRIBUTION_REFERENCES } from './references.js';
import { attributionPatchingResults } from './results.js';
import { checkGap, checkGridParams, firstPairs, metricFor, OVER_AXIS, OVER_TEXT, progressTicker, type StudyIo } from './study.js';
import { timedPhases, untimed, type Phase } from './timed-phase.js';

export const attributionPatchingParams = z.object({
  hook: z
    .enum(PATCH_HOOKS as unknown as [PatchHook, ...PatchHook[]])
    .default('z')
    .describe('The activation attributed in each schedule slot: resid_pre, resid_mid, resid_post, attn_out, mlp_out, z (per head), pattern (per head), result (per head: its output before the heads are summed) or mlp_post (the MLP neurons).'),
  over: z
    .enum(PATCH_OVER as unknown as [PatchOver, ...PatchOver[]])
    .default('layer-head')
    .describe('The grid: layer (the whole activation per slot), layer-position (per slot and position; query position for pattern), layer-head (per slot and head; z, result and pattern) or layer-neuron (per slot and MLP neuron at every position; mlp_post).'),
  direction: z
    .enum(['denoise', 'noise'])
    .default('denoise')
    .describe('denoise: the gradient at the corrupted run times (clean - corrupted) activation, estimating activation patching of clean into corrupted (TransformerLens convention); noise: the gradient at the clean run times (corrupted - clean).'),
  compare: z
    .boolean()
    .default(true)
    .describe('Also run true activation patching on the same grid (one patched run per cell and pair) and report both side by side, with their Pearson and Spearman correlation; false reports the attribution alone.'),
  ...commonParams,
});

export type AttributionPatchingParams = z.output<typeof attributionPatchingParams>;

export interface AttributionStudyIo extends StudyIo {
  /** Runs a phase whose seconds the runner records (report.timings.phases); default: untimed. */
  phase?: Phase;
}

/** The analysis on tokenized pairs (what `run` does after reading the file). */
export async function attributionPatchingStudy(
  model: HookedTransformer, all: TokenizedPairs, params: AttributionPatchingParams, io: AttributionStudyIo,
): Promise<Report> {
  const pairs = firstPairs(all, params.maxPairs);
  const P = pairs.clean.length;
  checkGridParams(model, pairs, params.hook, params.over);
  const metric = metricFor(params.metric, pairs);
  const phase = io.phase ?? untimed;
  const grid = { model, clean: pairs.clean, corrupted: pairs.corrupted, metric, hook: params.hook, over: params.over, direction: params.direction, batchSize: params.batchSize, signal: io.signal };
  const what = `${params.hook} ${OVER_TEXT[params.over]}`;
  const estimate = await phase('attribution', () => attributionPatching({ ...grid, onProgress: progressTicker(io, `attribution patching ${what}`) }));
  checkGap(estimate.clean, estimate.corrupted, params.metric);
  const truth: PatchingGrid | null = params.compare
    ? await phase('activation-patching', () => activationPatching({ ...grid, onProgress: progressTicker(io, `activation patching ${what} (the comparison)`) }))
    : null;

  const columns = params.over === 'layer-position' ? positionLabels(pairs) : params.over === 'layer' ? [params.hook] : estimate.columns;
  const results: GridResults = { rows: estimate.rows, columns, values: estimate.values, normalised: estimate.normalised };
  const activation: GridResults | null = truth && { rows: truth.rows, columns, values: truth.values, normalised: truth.normalised };
  const agreement: GridAgreement | null = activation && gridAgreement(results.normalised, activation.normalised);
  const cells = results.rows.length * columns.length;
  const top = topCells(results, params.top);
  const trueAt = (row: string, column: string): number | null =>
    activation ? activation.normalised[activation.rows.indexOf(row)][activation.columns.indexOf(column)] : null;
  const passes = {
    attribution: { forward: estimate.passes.forward, backward: estimate.passes.backward },
    // Every cell is one patched run of every pair, after one baseline run of the clean and the corrupted prompts.
    activation: truth ? { forward: cells + 2, backward: 0 } : null,
  };

  const from = params.direction === 'denoise' ? 'clean into corrupted' : 'corrupted into clean';
  const strongest = top
    .slice(0, 3)
    .map((t) => {
      const actual = trueAt(t.row, t.column);
      return `${describeCell(t, params.over === 'layer')} (${fmt(t.normalised, 2)}${actual === null ? '' : `; activation patching ${fmt(actual, 2)}`})`;
    })
    .join(', ');
  const comparison = agreement
    ? ` Activation patching of the same grid took ${cells} patched runs per pair; the two agree with Pearson r = ${fmt(agreement.pearson ?? Number.NaN, 3)} ` +
      `(Spearman ρ = ${fmt(agreement.spearman ?? Number.NaN, 3)}) over ${cells} cells, mean |difference| ${fmt(agreement.meanAbsoluteError, 3)} of the gap (largest ${fmt(agreement.maxAbsoluteError, 3)}).`
    : '';
  const summary =
    `Attribution patching of ${what} (${from}) over ${P} pair${P === 1 ? '' : 's'}: ${params.metric} is ${fmt(estimate.clean)} on the clean and ${fmt(estimate.corrupted)} ` +
    `on the corrupted prompts; one clean forward, one corrupted forward and one backward pass estimate all ${cells} cells.${comparison} ` +
    `The strongest cells by attribution (normalised, 0 = corrupted, 1 = clean) are ${strongest}.`;

  const sections: ReportSection[] = [
    baselineSection(params.metric, estimate.clean, estimate.corrupted, P),
    ...comparisonSections({
      estimate: results, truth: activation, agreement, top, passes, trueAt,
      hook: params.hook, metricName: params.metric, xLabel: OVER_AXIS[params.over], from,
      positionNote: params.over === 'layer-position',
    }),
  ];
  return {
    summary,
    results: {
      grid: { ...results },
      attribution: estimate.attribution,
      activation: activation && { ...activation },
      correlation: agreement && { ...agreement },
      hook: params.hook,
      over: params.over,
      direction: params.direction,
      metric: params.metric,
      clean: estimate.clean,
      corrupted: estimate.corrupted,
      pairs: P,
      passes,
      top: top.map((t) => ({ ...t, activation: trueAt(t.row, t.column) })),
    },
    sections,
  };
}

export const attributionPatchingAnalysis = defineAnalysis({
  id: 'attribution-patching',
  title: 'Attribution patching',
  level: 'implementational',
  summary: 'Estimate activation patching of every component at once from gradients, (clean - corrupted) activation x d metric / d activation, and compare it with true activation patching',
  description:
    'Attribution patching (Nanda 2023; Syed, Rager & Conmy 2023) is the first-order Taylor approximation of activation patching: patching an activation with its clean value ' +
    'changes the metric by about (clean - corrupted activation) times the gradient of the metric at the corrupted run. One clean forward (cached), one corrupted forward and ' +
    'one backward pass give every cell of the grid (residual positions, attention heads via z or result, MLP neurons), where activation patching needs one patched run per cell. ' +
    'With compare (the default) the same grid is also patched for real, and the report shows both side by side, a scatter of one against the other and their correlation; ' +
    'the seconds each took are in the run timings (part:attribution, part:activation-patching).',
  references: ATTRIBUTION_REFERENCES,
  inputs: { models: { min: 1, max: 1 }, data: PAIRS_DATA, capabilities: ['tokenizer'] },
  params: attributionPatchingParams,
  results: attributionPatchingResults,
  async run(ctx) {
    const model = ctx.models[0];
    const pairs = await pairsFromContext(ctx, model);
    return attributionPatchingStudy(model, pairs, ctx.params, { progress: ctx.progress, signal: ctx.signal, phase: timedPhases(ctx) });
  },
});
