/** The results contract of refusal-direction. */
import { z } from '@marr/core';

const num = z.number().nullable().describe('null where not a number');

const classSplit = z.object({
  pool: z.number().int().describe('Instructions in the class\'s file.'),
  train: z.number().int().describe('Training prompts kept.'),
  val: z.number().int().describe('Validation prompts kept.'),
  test: z.number().int().describe('Held-out prompts evaluated.'),
  trainDropped: z.number().int().describe('Training prompts the filter dropped (harmful with score <= 0, harmless with score >= 0).'),
  valDropped: z.number().int(),
});

export const candidateSchema = z.object({
  layer: z.number().int(),
  position: z.number().int().describe('From the end of the prompt: -1 is the last token.'),
  token: z.string().describe('The template token at that position.'),
  norm: z.number().describe('|r| of the raw difference in means.'),
  bypassScore: num.describe('Mean refusal score on harmful val prompts with the unit direction ablated everywhere.'),
  induceScore: num.describe('Mean refusal score on harmless val prompts with r added at its layer.'),
  kl: num.describe('Mean KL(base || ablated) of the last-position distribution on harmless val prompts.'),
  discarded: z.boolean(),
  discardReasons: z.array(z.enum(['nan', 'late-layer', 'kl', 'induce'])),
});

const rates = z.object({
  harmfulRefusalRate: num.describe('Share of held-out harmful prompts refused (by the judge).'),
  harmlessRefusalRate: num.describe('Share of held-out harmless prompts refused (by the judge).'),
  harmfulPhraseRate: num,
  harmlessPhraseRate: num,
  harmfulScoreRate: num.describe('Share with refusal score > 0 at the last prompt position.'),
  harmlessScoreRate: num,
  harmfulMeanScore: num,
  harmlessMeanScore: num,
});

export const refusalDirectionResults = z.object({
  model: z.string(),
  template: z.string(),
  refusalTokens: z.array(z.object({ text: z.string(), id: z.number().int() })),
  positions: z.array(z.string()).describe('The post-instruction template tokens, position -n first.'),
  nLayers: z.number().int(),
  splits: z.object({ harmful: classSplit, harmless: classSplit, filtered: z.boolean(), filterFallback: z.boolean().describe('The filter left too few prompts, so the unfiltered split was used.') }),
  baseline: z.object({ harmfulValScore: num, harmlessValScore: num, harmfulTrainRefusing: z.number().describe('Share of harmful train prompts with refusal score > 0 before filtering.'), harmlessTrainRefusing: z.number() }),
  candidates: z.array(candidateSchema),
  selected: z
    .object({
      layer: z.number().int(), position: z.number().int(), token: z.string(), norm: z.number(),
      bypassScore: num, induceScore: num, kl: num,
      passedFilter: z.boolean().describe('false: no candidate passed the filter and this is the lowest bypass score among all of them.'),
    })
    .nullable(),
  evaluation: z
    .object({
      judge: z.enum(['either', 'phrases', 'score']),
      maxNewTokens: z.number().int(),
      harmful: z.number().int(),
      harmless: z.number().int(),
      baseline: rates,
      ablation: rates,
      actAdd: rates.describe('+r at the selected layer on harmless prompts, -r on harmful ones.'),
      orthogonalized: rates,
      orthogonalizedMaxLogitDifference: num.describe('Max |logit| difference at the last position between ablation hooks and orthogonalised weights on the held-out prompts.'),
      loss: z.object({
        text: z.string().describe('"lossText" (the given file) or "harmless completions" (baseline completions of the harmless test prompts, completion tokens only).'),
        tokens: z.number().int(),
        baseline: num,
        ablation: num,
        orthogonalized: num,
        ablationChange: num.describe('ablation - baseline, nats per token.'),
      }),
      examples: z.array(z.object({ condition: z.string(), class: z.enum(['harmful', 'harmless']), instruction: z.string(), completion: z.string(), refused: z.boolean() })),
    })
    .nullable(),
  verdict: z.enum(['single-direction', 'not-mediated', 'does-not-refuse', 'no-direction', 'not-evaluated']),
  saved: z.object({ direction: z.string().nullable(), model: z.string().nullable() }),
});

export type RefusalDirectionResults = z.output<typeof refusalDirectionResults>;
