import { defineAnalysis, z } from '@marr/core';
import { analysisWindows } from '../data/windows.js';
import { layerInterventionSweep, sweepStepsPerBatch, defaultBatchWindows, type SweepResult } from '../interventions/sweep.js';
import { fmt, pct } from '../report/format.js';
import { toJsonValue } from '../report/json.js';
import { robustnessSections } from '../report/sections.js';
import { textParams } from './params.js';
import { PAPER } from './reference.js';
import { layerRobustnessResults } from './results.js';

export const layerRobustnessParams = z.object({ ...textParams });

export function robustnessSummary(sweep: SweepResult): string {
  const { deletion, swap } = sweep;
  if (deletion.length === 0) return 'No layers to intervene on.';
  const worst = deletion.reduce((a, b) => (b.kl > a.kl ? b : a));
  const inner = deletion.slice(1, -1);
  const best = (inner.length ? inner : deletion).reduce((a, b) => (b.kl < a.kl ? b : a));
  const kept = swap.map((s) => s.accuracyRetention ?? 0);
  const lo = pct(Math.min(...kept)), hi = pct(Math.max(...kept));
  const swapText = swap.length === 0 ? ''
    : swap.length === 1 ? ` Swapping the two layers keeps ${lo} of accuracy.`
    : ` Swapping adjacent layers keeps ${lo === hi ? lo : `${lo} to ${hi}`} of accuracy.`;
  // Layer 0 is named on its own only when it is neither the worst nor the best case already stated.
  const first = worst.layer !== 0 && best.layer !== 0 ? ` Deleting layer 0 gives KL ${fmt(deletion[0].kl, 4)} nats.` : '';
  return (
    `Over ${sweep.tokens} tokens: deleting layer ${worst.layer} hurts most (KL ${fmt(worst.kl, 4)} nats, accuracy retention ${pct(worst.accuracyRetention)}); ` +
    `deleting layer ${best.layer} hurts least among ${inner.length ? 'the inner layers' : 'all layers'} (KL ${fmt(best.kl, 4)} nats, retention ${pct(best.accuracyRetention)}).` +
    `${first}${swapText}`
  );
}

export const layerRobustness = defineAnalysis({
  id: 'layer-robustness',
  title: 'Layer deletion and swapping',
  level: 'computational',
  summary: 'Delete every layer and swap every adjacent pair; KL, cross-entropy, entropy and accuracy retention per layer',
  description:
    'For every layer l the block is deleted (its attention and MLP outputs dropped, through the layer schedule) and, for l < L-1, ' +
    'blocks l and l+1 are swapped. Each intervened model is compared with the original on the next-token distributions of a text ' +
    'dataset (BOS and last positions skipped): mean KL(original || intervened), cross-entropy and entropy of both, top-1 accuracy ' +
    'against the true next token (and its ratio, accuracy retention) and agreement with the original argmax, each with a standard error. ' +
    'results.deletion and results.swap are arrays indexed by layer.',
  references: [PAPER],
  inputs: {
    models: { min: 1, max: 1 },
    data: { kind: 'text', required: true, description: 'text to score the next-token predictions on' },
    capabilities: ['tokenizer'],
  },
  params: layerRobustnessParams,
  results: layerRobustnessResults,
  async run(ctx) {
    const model = ctx.models[0];
    const windows = analysisWindows(ctx, model, ctx.params);
    const batch = ctx.params.batchWindows ?? defaultBatchWindows(windows[0].length, model.config.dVocab, model.config.nHeads, model.config.nLayers);
    ctx.progress.start('layer interventions', Math.ceil(windows.length / batch) * sweepStepsPerBatch(model.config.nLayers));
    const sweep = await layerInterventionSweep(model, windows, { batchWindows: batch, signal: ctx.signal, onStep: () => ctx.progress.tick() });
    ctx.progress.done();
    return {
      summary: robustnessSummary(sweep),
      results: {
        deletion: toJsonValue(sweep.deletion, 'results.deletion'),
        swap: toJsonValue(sweep.swap, 'results.swap'),
        tokens: sweep.tokens,
        windows: sweep.windows,
        units: { kl: 'nats', crossEntropy: 'nats', entropy: 'bits' },
      },
      sections: robustnessSections(sweep, model.config.nLayers),
    };
  },
});
