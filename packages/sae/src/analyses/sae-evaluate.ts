import { defineAnalysis, z } from '@marr/core';
import { evaluateSae } from '../evaluate/evaluate-sae.js';
import { analysisSae, fmt, frequencyHistogram, saeInputs, saeTextParams, saeWindows } from './common.js';

export const saeEvaluateParams = z.object({
  ...saeTextParams,
  denseThreshold: z.number().min(0).max(1).default(0.1).describe('A latent firing on more than this fraction of tokens counts as dense.'),
});

export const saeEvaluateResults = z.object({
  hook: z.string().describe('the hook point the SAE reads'),
  architecture: z.enum(['standard', 'topk', 'jumprelu']),
  dSae: z.number().int().describe('latents'),
  k: z.number().int().nullable().describe('active latents per token (topk), else null'),
  tokens: z.number().int().describe('tokens in the reconstruction statistics'),
  mse: z.number().describe('mean squared error per element'),
  fve: z.number().describe('fraction of variance explained, 1 − Σ‖x − x̂‖²/Σ‖x − x̄‖²'),
  l0: z.number().describe('mean active latents per token'),
  deadLatents: z.number().int().describe('latents that never fired'),
  denseLatents: z.number().int().describe('latents firing on more than denseThreshold of tokens'),
  denseThreshold: z.number(),
  ceClean: z.number().describe('next-token cross-entropy of the model, nats'),
  ceSae: z.number().describe('cross-entropy with the reconstruction spliced in (no error term), nats'),
  ceZeroAblated: z.number().describe('cross-entropy with the hook set to zero, nats'),
  lossRecovered: z.number().nullable().describe('(CE_zero − CE_sae)/(CE_zero − CE_clean); null when zero-ablation changes nothing'),
  frequency: z.array(z.number()).describe('firing frequency of every latent'),
  units: z.object({ ce: z.string(), mse: z.string() }),
});

export const saeEvaluateAnalysis = defineAnalysis({
  id: 'sae-evaluate',
  title: 'Sparse autoencoder evaluation',
  level: 'implementational',
  summary: 'MSE, variance explained, L0, dead and dense latents, and the LM loss with the SAE spliced in vs clean vs zero-ablated (loss recovered)',
  description:
    'Runs the model on token windows of the text, encodes the activations at the SAE\'s hook and decodes them. Reconstruction: MSE per element, ' +
    'fraction of variance explained 1 − Σ‖x − x̂‖²/Σ‖x − x̄‖², mean L0 (active latents per token), firing frequency of every latent (dead: never fires; ' +
    'dense: above denseThreshold). Downstream: next-token cross-entropy of the clean model, of the model with the reconstruction in place of the hook ' +
    '(no error term), and with the hook zero-ablated; loss recovered = (CE_zero − CE_sae)/(CE_zero − CE_clean).',
  references: [
    { title: 'Bricken et al. 2023, Towards Monosemanticity', url: 'https://transformer-circuits.pub/2023/monosemantic-features' },
    { title: 'Gao et al. 2024, Scaling and evaluating sparse autoencoders', url: 'https://arxiv.org/abs/2406.04093' },
    { title: 'SAELens', url: 'https://github.com/decoderesearch/SAELens' },
  ],
  inputs: saeInputs,
  params: saeEvaluateParams,
  results: saeEvaluateResults,
  async run(ctx) {
    const model = ctx.models[0];
    const p = ctx.params;
    const sae = analysisSae(ctx, model);
    const windows = saeWindows(ctx, model, p);
    const ev = await evaluateSae(model, sae, windows, { batchWindows: p.batchWindows, excludeBos: p.excludeBos, denseThreshold: p.denseThreshold, signal: ctx.signal, progress: ctx.progress });
    const hist = frequencyHistogram(ev.frequency);
    const { cfg } = sae;
    const summary =
      `The ${cfg.architecture} SAE at ${cfg.hookName} (d_sae ${cfg.dSae}${cfg.k ? `, k ${cfg.k}` : ''}) explains ${fmt(100 * ev.fve)}% of the variance ` +
      `(MSE ${fmt(ev.mse)} per element) with L0 ${fmt(ev.l0)} over ${ev.tokens} tokens. Spliced in, the next-token loss goes from ${fmt(ev.ceClean, 4)} to ` +
      `${fmt(ev.ceSae, 4)} nats (zero-ablating the hook: ${fmt(ev.ceZeroAblated, 4)}), so it recovers ${fmt(100 * ev.lossRecovered)}% of the loss. ` +
      `${ev.deadLatents} ${ev.deadLatents === 1 ? 'latent' : 'latents'} never fired and ${ev.denseLatents} fired on more than ${fmt(100 * p.denseThreshold)}% of tokens.`;
    return {
      summary,
      results: {
        hook: cfg.hookName, architecture: cfg.architecture, dSae: cfg.dSae, k: cfg.k,
        tokens: ev.tokens, mse: ev.mse, fve: ev.fve, l0: ev.l0,
        deadLatents: ev.deadLatents, denseLatents: ev.denseLatents, denseThreshold: p.denseThreshold,
        ceClean: ev.ceClean, ceSae: ev.ceSae, ceZeroAblated: ev.ceZeroAblated, lossRecovered: Number.isFinite(ev.lossRecovered) ? ev.lossRecovered : null,
        frequency: ev.frequency, units: { ce: 'nats per token', mse: 'per element' },
      },
      sections: [
        {
          kind: 'scalars', title: 'Reconstruction and downstream loss', items: [
            { name: 'fraction of variance explained', value: ev.fve },
            { name: 'MSE', value: ev.mse, unit: 'per element' },
            { name: 'L0', value: ev.l0, unit: 'latents per token' },
            { name: 'dead latents', value: ev.deadLatents, help: 'never fired on the evaluated tokens' },
            { name: 'dense latents', value: ev.denseLatents, help: `fired on more than ${p.denseThreshold} of tokens` },
            { name: 'CE clean', value: ev.ceClean, unit: 'nats' },
            { name: 'CE with SAE', value: ev.ceSae, unit: 'nats' },
            { name: 'CE zero-ablated', value: ev.ceZeroAblated, unit: 'nats' },
            ...(Number.isFinite(ev.lossRecovered) ? [{ name: 'loss recovered', value: ev.lossRecovered, help: '(CE_zero − CE_sae) / (CE_zero − CE_clean)' }] : []),
          ],
        },
        {
          kind: 'figure',
          figure: { type: 'bar', title: 'Latents by firing frequency', x: { label: 'log10 firing frequency' }, y: { label: 'latents' }, categories: hist.categories, series: [{ name: 'latents', values: hist.counts }] },
          caption: 'How often each latent fires, as a fraction of evaluated tokens; "never" are dead latents.',
        },
      ],
    };
  },
});
