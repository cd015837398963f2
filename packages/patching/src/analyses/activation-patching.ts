import {
  activationPatching, defineAnalysis, PATCH_HOOKS, PATCH_OVER, z,
  type HookedTransformer, type PatchHook, type PatchOver, type Report,
} from '@marr/core';
import type { TokenizedPairs } from '../pairs/prompt-pairs.js';
import { fmt } from '../report/format.js';
import { baselineSection, describeCell, gridSections, topCells } from '../report/grid-report.js';
import { pairsFromContext, PAIRS_DATA } from './input.js';
import { positionLabels } from './labels.js';
import { commonParams } from './params.js';
import { REFERENCES } from './references.js';
import { activationPatchingResults } from './results.js';
import { checkGap, checkGridParams, firstPairs, metricFor, OVER_AXIS, OVER_TEXT, progressTicker, type StudyIo } from './study.js';

export const activationPatchingParams = z.object({
  hook: z
    .enum(PATCH_HOOKS as unknown as [PatchHook, ...PatchHook[]])
    .default('resid_pre')
    .describe('The activation patched in each schedule slot: resid_pre, resid_mid, resid_post, attn_out, mlp_out, z (per head), pattern (per head), result (per head: its output before the heads are summed) or mlp_post (the MLP neurons).'),
  over: z
    .enum(PATCH_OVER as unknown as [PatchOver, ...PatchOver[]])
    .default('layer-position')
    .describe('The grid: layer (the whole activation per slot), layer-position (per slot and position; query position for pattern), layer-head (per slot and head; z, result and pattern) or layer-neuron (per slot and MLP neuron at every position; mlp_post).'),
  direction: z
    .enum(['denoise', 'noise'])
    .default('denoise')
    .describe('denoise: run the corrupted prompt and patch in the clean activation (TransformerLens convention); noise: run the clean prompt and patch in the corrupted one.'),
  ...commonParams,
});

export type ActivationPatchingParams = z.output<typeof activationPatchingParams>;

/** The analysis on tokenized pairs (what `run` does after reading the file). */
export async function activationPatchingStudy(model: HookedTransformer, all: TokenizedPairs, params: ActivationPatchingParams, io: StudyIo): Promise<Report> {
  const pairs = firstPairs(all, params.maxPairs);
  const P = pairs.clean.length;
  checkGridParams(model, pairs, params.hook, params.over);
  const metric = metricFor(params.metric, pairs);
  const grid = await activationPatching({
    model, clean: pairs.clean, corrupted: pairs.corrupted, metric,
    hook: params.hook, over: params.over, direction: params.direction, batchSize: params.batchSize, signal: io.signal,
    onProgress: progressTicker(io, `patching ${params.hook} ${OVER_TEXT[params.over]}`),
  });
  checkGap(grid.clean, grid.corrupted, params.metric);
  const columns = params.over === 'layer-position' ? positionLabels(pairs) : params.over === 'layer' ? [params.hook] : grid.columns;
  const results = { rows: grid.rows, columns, values: grid.values, normalised: grid.normalised };
  const top = topCells(results, params.top);
  const from = params.direction === 'denoise' ? 'from the clean into the corrupted run' : 'from the corrupted into the clean run';
  const strongest = top
    .slice(0, 3)
    .map((t) => `${describeCell(t, params.over === 'layer')} (${fmt(t.normalised, 2)})`)
    .join(', ');
  const summary =
    `Patching ${params.hook} ${OVER_TEXT[params.over]} ${from} over ${P} pair${P === 1 ? '' : 's'}: ${params.metric} is ${fmt(grid.clean)} on the clean ` +
    `and ${fmt(grid.corrupted)} on the corrupted prompts. The strongest cells (normalised, 0 = corrupted, 1 = clean) are ${strongest}.`;
  return {
    summary,
    results: {
      grid: results,
      hook: params.hook,
      over: params.over,
      direction: params.direction,
      metric: params.metric,
      clean: grid.clean,
      corrupted: grid.corrupted,
      pairs: P,
      top: top.map((t) => ({ ...t })),
    },
    sections: [
      baselineSection(params.metric, grid.clean, grid.corrupted, P),
      ...gridSections({
        grid: results, top,
        title: `Share of the clean-corrupted gap restored by patching ${params.hook}`,
        xLabel: OVER_AXIS[params.over],
        yLabel: 'layer',
        colorLabel: 'normalised metric',
        caption: `Each cell: ${params.metric} after patching that ${params.hook} ${from}, averaged over pairs and normalised so that 0 is the corrupted and 1 the clean value.${params.over === 'layer-position' ? ' Position labels: the clean token (* where pairs differ); Δn where the clean and corrupted prompts differ in n pairs.' : ''}`,
        metricName: params.metric,
      }),
    ],
  };
}

export const activationPatchingAnalysis = defineAnalysis({
  id: 'activation-patching',
  title: 'Activation patching',
  level: 'implementational',
  summary: 'Patch one activation from the clean into the corrupted run (per layer, layer and position, or layer and head) and measure how much of the metric it restores',
  description:
    'For every cell of the grid, the corrupted prompt is run with one activation (a residual stream, an attention or MLP output, a head\'s z or its pattern) ' +
    'replaced by its value on the clean prompt, and the metric at the last position (logit difference of answer and wrong token, probability or loss of the answer) ' +
    'is normalised so that 0 is the corrupted and 1 the clean value. Patched runs are batched (each batch row a different patch) and start at the patched layer from ' +
    'the saved residual, so the unpatched prefix is never recomputed.',
  references: REFERENCES,
  inputs: { models: { min: 1, max: 1 }, data: PAIRS_DATA, capabilities: ['tokenizer'] },
  params: activationPatchingParams,
  results: activationPatchingResults,
  async run(ctx) {
    const model = ctx.models[0];
    const pairs = await pairsFromContext(ctx, model);
    return activationPatchingStudy(model, pairs, ctx.params, ctx);
  },
});
