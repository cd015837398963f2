import { defineAnalysis, z } from '@marr/core';
import { analysisWindows } from '../data/windows.js';
import { defaultBatchWindows } from '../interventions/sweep.js';
import { lensTokenView, logitLens, type LogitLensLayer } from '../lens/logit-lens.js';
import { fmt } from '../report/format.js';
import { toJsonValue } from '../report/json.js';
import { lensSections } from '../report/sections.js';
import { textParams } from './params.js';
import { PAPER } from './reference.js';
import { logitLensResults } from './results.js';

export const logitLensParams = z.object({ ...textParams });

/** Positions the token view shows. */
const TOKEN_VIEW_POSITIONS = 16;

export function lensSummary(lens: LogitLensLayer[]): string {
  const first = lens[0], last = lens[lens.length - 1];
  let drop = 0, at = 0;
  for (let l = 1; l < lens.length; l++) {
    if (lens[l - 1].entropy - lens[l].entropy > drop) {
      drop = lens[l - 1].entropy - lens[l].entropy;
      at = l;
    }
  }
  return (
    `Logit-lens entropy goes from ${fmt(first.entropy)} bits after block 0 to ${fmt(last.entropy)} bits after the last block` +
    (drop > 0 ? `; the largest drop (${fmt(drop)} bits) comes at block ${at} (relative depth ${fmt(lens[at].relativeDepth, 2)}).` : '.') +
    ` KL(final || lens) after block 0 is ${fmt(first.kl, 4)} nats.`
  );
}

export const logitLensAnalysis = defineAnalysis({
  id: 'logit-lens',
  title: 'Logit-lens entropy by depth',
  level: 'algorithmic',
  summary: 'Entropy (bits), KL to the final distribution and rank of the final top token of the logit lens after every block',
  description:
    'The residual stream after every block goes through the final norm (recomputed on that residual) and the unembedding. ' +
    'Per layer: mean entropy in bits, KL(final || lens) in nats, the mean rank of the final top token, and the fraction of positions ' +
    'where the lens already predicts it, over all positions except the first and last of each window, against relative depth l/(L-1).',
  references: [PAPER],
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: true, description: 'text whose residual streams are read out' },
    capabilities: ['tokenizer'],
  },
  params: logitLensParams,
  results: logitLensResults,
  async run(ctx) {
    const model = ctx.models[0];
    const windows = analysisWindows(ctx, model, ctx.params);
    const batch = ctx.params.batchWindows ?? defaultBatchWindows(windows[0].length, model.config.dVocab, model.config.nHeads, model.config.nLayers);
    ctx.progress.start('logit lens', Math.ceil(windows.length / batch) * (1 + model.config.nLayers));
    const lens = await logitLens(model, windows, { batchWindows: batch, signal: ctx.signal, onStep: () => ctx.progress.tick() });
    ctx.progress.done();
    const view = await lensTokenView(model, windows[0], TOKEN_VIEW_POSITIONS);
    const tok = model.tokenizer!;
    // Each position padded to its widest token, so the rows line up in the monospace view.
    const width = view.input.map((id, p) => Math.max(tok.tokenString(id).length, ...view.layers.map((r) => tok.tokenString(r.top[p]).length)) + 1);
    const str = (id: number, p: number) => tok.tokenString(id).padEnd(width[p]);
    return {
      summary: lensSummary(lens),
      results: { layers: toJsonValue(lens, 'results.layers'), units: { entropy: 'bits', kl: 'nats' } },
      sections: [
        ...lensSections(lens),
        {
          kind: 'tokens',
          title: `The lens token by token (the first ${view.input.length} positions of the first window)`,
          valueLabel: 'probability of the top token',
          rows: [
            { label: 'input', tokens: view.input.map((id, p) => str(id, p)), values: view.input.map(() => 0) },
            ...view.layers.map((r) => ({ label: `after block ${r.layer}`, tokens: r.top.map((id, p) => str(id, p)), values: r.probability })),
          ],
          caption: 'Under each input token: the most likely next token read out after each block, coloured by its probability.',
        },
      ],
    };
  },
});
