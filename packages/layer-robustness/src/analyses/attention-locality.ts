import { defineAnalysis, z } from '@marr/core';
import { attentionLocality, localityBatchWindows, type LayerLocality } from '../attention/locality.js';
import { analysisWindows } from '../data/windows.js';
import { fmt } from '../report/format.js';
import { toJsonValue } from '../report/json.js';
import { localitySections } from '../report/sections.js';
import { localityParams, textParams } from './params.js';
import { PAPER } from './reference.js';
import { attentionLocalityResults } from './results.js';

export const attentionLocalityParams = z.object({ ...textParams, ...localityParams });

export function localitySummary(loc: LayerLocality[]): string {
  const most = loc.reduce((a, b) => (b.total > a.total ? b : a));
  const least = loc.reduce((a, b) => (b.total < a.total ? b : a));
  const K = loc[0].byOffset.length;
  return `Attention on the previous ${K} tokens (pooled over heads) is highest in layer ${most.layer} (${fmt(most.total)}) and lowest in layer ${least.layer} (${fmt(least.total)}).`;
}

export const attentionLocalityAnalysis = defineAnalysis({
  id: 'attention-locality',
  title: 'Attention to nearby tokens by depth',
  level: 'algorithmic',
  summary: 'Per layer, mean attention on the tokens 1..5 positions back, pooled over heads',
  description:
    'For every layer, the attention weight each query puts on the key k positions before it (k = 1..maxOffset), averaged over heads, ' +
    'windows and every query that has such a key. The paper reads high local attention in early layers as evidence of detokenization.',
  references: [PAPER],
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: true, description: 'text whose attention patterns are measured' },
    capabilities: ['tokenizer'],
  },
  params: attentionLocalityParams,
  results: attentionLocalityResults,
  async run(ctx) {
    const model = ctx.models[0];
    const windows = analysisWindows(ctx, model, ctx.params);
    const batch = ctx.params.batchWindows ?? localityBatchWindows(windows[0].length, model.config.nHeads);
    ctx.progress.start('attention locality', Math.ceil(windows.length / batch));
    const loc = await attentionLocality(model, windows, { maxOffset: ctx.params.maxOffset, batchWindows: batch, signal: ctx.signal, onStep: () => ctx.progress.tick() });
    ctx.progress.done();
    return {
      summary: localitySummary(loc),
      results: { layers: toJsonValue(loc, 'results.layers'), maxOffset: ctx.params.maxOffset },
      sections: localitySections(loc),
    };
  },
});
