import { defineAnalysis, z } from '@marr/core';
import { featureStats, logitEffects } from '../features/feature-stats.js';
import { analysisSae, fmt, frequencyHistogram, saeInputs, saeTextParams, saeWindows } from './common.js';
import { contextActivations } from '../features/context-activations.js';

export const saeFeaturesParams = z.object({
  ...saeTextParams,
  latents: z.number().int().min(1).default(40).describe('How many latents the table shows (after sorting).'),
  latentIds: z.array(z.number().int().min(0)).default([]).describe('Show exactly these latents (overrides latents and sortBy).'),
  sortBy: z.enum(['frequency', 'max-activation', 'index']).default('frequency').describe('Order of the latents in the table: most frequent, strongest, or by index.'),
  topContexts: z.number().int().min(1).max(50).default(5).describe('Top activating contexts kept per latent.'),
  contextBefore: z.number().int().min(0).default(8).describe('Tokens shown before the activating token.'),
  contextAfter: z.number().int().min(0).default(2).describe('Tokens shown after the activating token.'),
  topLogits: z.number().int().min(1).max(50).default(5).describe('Tokens listed per latent for its most positive and most negative direct logit effect.'),
});

const tokenValue = z.object({ token: z.string(), value: z.number() });
export const saeFeaturesResults = z.object({
  hook: z.string().describe('the hook point the SAE reads'),
  dSae: z.number().int().describe('latents'),
  tokens: z.number().int().describe('tokens read'),
  aliveLatents: z.number().int().describe('latents that fired at least once'),
  frequency: z.array(z.number()).describe('firing frequency of every latent'),
  meanActivation: z.array(z.number()).describe('mean activation of every latent when it fires'),
  maxActivation: z.array(z.number()).describe('maximum activation of every latent'),
  latents: z.array(z.object({
    index: z.number().int(),
    frequency: z.number(),
    meanActivation: z.number(),
    maxActivation: z.number(),
    topContexts: z.array(z.object({ activation: z.number(), token: z.string(), text: z.string().describe('the context, the activating token marked «like this»') })),
    positiveLogits: z.array(tokenValue).nullable().describe('most promoted tokens by W_dec[i] · W_U (null for hooks of another width)'),
    negativeLogits: z.array(tokenValue).nullable().describe('most suppressed tokens'),
  })).describe('the latents the table shows, in its order'),
});

/** Latents whose top contexts the report colours token by token (the table lists them all). */
const COLOURED_LATENTS = 12;

export const saeFeaturesAnalysis = defineAnalysis({
  id: 'sae-features',
  title: 'Sparse autoencoder features',
  level: 'implementational',
  summary: 'Per latent: firing frequency, mean and max activation, top activating contexts, top +/- logit effects (W_dec through the unembedding)',
  description:
    'Runs the model on token windows of the text and encodes the activations at the SAE\'s hook. For every latent: the fraction of tokens it fires on, ' +
    'its mean activation when it fires, its maximum, and its top activating contexts (the activating token marked «like this», with the activation). For ' +
    'the latents shown, the direct logit effect of the decoder row, W_dec[i] · W_U (no final norm, no bias), gives the tokens the latent promotes and ' +
    'suppresses (residual-stream hooks only). The table lists the latents sorted by sortBy; results carry the statistics of every latent.',
  references: [
    { title: 'Bricken et al. 2023, Towards Monosemanticity', url: 'https://transformer-circuits.pub/2023/monosemantic-features' },
    { title: 'Neuronpedia feature dashboards', url: 'https://www.neuronpedia.org' },
  ],
  inputs: saeInputs,
  params: saeFeaturesParams,
  results: saeFeaturesResults,
  async run(ctx) {
    const model = ctx.models[0];
    const p = ctx.params;
    const sae = analysisSae(ctx, model);
    const { dSae, dIn } = sae.cfg;
    for (const id of p.latentIds) if (id >= dSae) throw new Error(`latentIds: latent ${id} does not exist; the SAE has ${dSae} latents (0..${dSae - 1})`);
    const windows = saeWindows(ctx, model, p);
    const st = await featureStats(model, sae, windows, { batchWindows: p.batchWindows, topContexts: p.topContexts, excludeBos: p.excludeBos, signal: ctx.signal, progress: ctx.progress });
    const tok = model.tokenizer!;
    const all = Array.from({ length: dSae }, (_, i) => i);
    const order = p.latentIds.length > 0 ? p.latentIds
      : p.sortBy === 'index' ? all.slice(0, p.latents)
      : all.filter((i) => st.frequency[i] > 0)
        .sort((a, b) => (p.sortBy === 'frequency' ? st.frequency[b] - st.frequency[a] : st.maxActivation[b] - st.maxActivation[a]) || a - b)
        .slice(0, p.latents);
    const residual = dIn === model.config.dModel;
    const effects = residual ? await logitEffects(model, sae, order, p.topLogits) : order.map(() => null);
    const context = (w: number, pos: number): string => {
      const ids = windows[w];
      const from = Math.max(0, pos - p.contextBefore), to = Math.min(ids.length, pos + 1 + p.contextAfter);
      const parts: string[] = [];
      for (let i = from; i < to; i++) parts.push(i === pos ? `«${tok.tokenString(ids[i])}»` : tok.tokenString(ids[i]));
      return parts.join(' ');
    };
    const shown = order.map((i, n) => ({
      index: i,
      frequency: st.frequency[i],
      meanActivation: st.meanActivation[i],
      maxActivation: st.maxActivation[i],
      topContexts: st.top[i].map((t) => ({ activation: t.activation, token: tok.tokenString(windows[t.window][t.position]), text: context(t.window, t.position) })),
      positiveLogits: effects[n]?.positive.map(([id, v]) => ({ token: tok.tokenString(id), value: v })) ?? null,
      negativeLogits: effects[n]?.negative.map(([id, v]) => ({ token: tok.tokenString(id), value: v })) ?? null,
    }));
    // The coloured view: each shown latent's top contexts, every token coloured by that latent's activation.
    const spans = shown.slice(0, COLOURED_LATENTS).flatMap((s) => st.top[s.index].map((t, k) => ({
      latent: s.index, rank: k, window: t.window,
      from: Math.max(0, t.position - p.contextBefore), to: Math.min(windows[t.window].length, t.position + 1 + p.contextAfter),
    })));
    const spanValues = await contextActivations(model, sae, windows, spans, { batchWindows: p.batchWindows, signal: ctx.signal });
    const alive = all.filter((i) => st.frequency[i] > 0).length;
    const sortedFreq = Array.from(st.frequency).sort((a, b) => a - b);
    const hist = frequencyHistogram(st.frequency);
    const first = shown[0];
    const summary =
      `Of the ${dSae} latents of the SAE at ${sae.cfg.hookName}, ${alive} fire on at least one of ${st.tokens} tokens (median firing frequency ` +
      `${fmt(sortedFreq[Math.floor(dSae / 2)])}). ` +
      (first ? `The table shows ${shown.length} latents by ${p.latentIds.length > 0 ? 'the ids asked for' : p.sortBy}; the first, latent ${first.index}, fires on ${fmt(100 * first.frequency)}% of tokens ` +
        `(max activation ${fmt(first.maxActivation)})${first.topContexts[0] ? `, most strongly on ${JSON.stringify(first.topContexts[0].token)}` : ''}.` : 'No latent fired.');
    const list = (xs: { token: string; value: number }[] | null) => (xs ? xs.map((x) => `${x.token} (${fmt(x.value, 2)})`).join(', ') : 'n/a');
    return {
      summary,
      results: {
        hook: sae.cfg.hookName, dSae, tokens: st.tokens, aliveLatents: alive,
        frequency: Array.from(st.frequency), meanActivation: Array.from(st.meanActivation), maxActivation: Array.from(st.maxActivation),
        latents: shown,
      },
      sections: [
        {
          kind: 'table',
          title: `Latents (by ${p.latentIds.length > 0 ? 'id' : p.sortBy})`,
          columns: ['latent', 'frequency', 'mean act', 'max act', 'promotes', 'suppresses', 'top contexts'],
          rows: shown.map((s) => [s.index, s.frequency, s.meanActivation, s.maxActivation, list(s.positiveLogits), list(s.negativeLogits),
            s.topContexts.map((c) => `${c.text} (${fmt(c.activation, 2)})`).join(' | ')]),
          terminalRows: 15,
        },
        {
          kind: 'tokens',
          title: `Top activating contexts of the first ${Math.min(COLOURED_LATENTS, shown.length)} latents`,
          valueLabel: 'the latent\'s activation at each token',
          rows: spans.map((sp, i) => ({
            label: `latent ${sp.latent} #${sp.rank + 1}`,
            tokens: windows[sp.window].slice(sp.from, sp.to).map((id, j, a) => tok.tokenString(id) + (j < a.length - 1 ? ' ' : '')),
            values: spanValues[i],
          })),
          caption: 'Each line is one of a latent\'s top activating contexts; every token is coloured by that latent\'s activation there.',
        },
        {
          kind: 'figure',
          figure: { type: 'bar', title: 'Latents by firing frequency', x: { label: 'log10 firing frequency' }, y: { label: 'latents' }, categories: hist.categories, series: [{ name: 'latents', values: hist.counts }] },
          caption: 'How often each latent fires, as a fraction of tokens; "never" are dead latents.',
        },
        ...(residual ? [] : [{ kind: 'note' as const, text: `The hook's width (${dIn}) is not the residual stream's (${model.config.dModel}), so no direct logit effects are shown.` }]),
      ],
    };
  },
});
