import { defineAnalysis, type AnalysisContext } from '@marr/core';
import { saliencyPromptsKind, type SaliencyPrompt } from '../prompts/saliency-prompts.js';
import { saliencyParams, type SaliencyParams } from './params.js';
import { REFERENCES } from './references.js';
import { saliencyResults } from './results.js';
import { saliencyStudy } from './study.js';

function promptsOf(ctx: AnalysisContext<SaliencyParams>): SaliencyPrompt[] {
  const fromFiles = (ctx.inputs.prompts ?? []).flatMap((f) => f.value as SaliencyPrompt[]);
  const fromParam = ctx.params.prompt.trim() !== '' ? [{ source: '--param prompt', text: ctx.params.prompt, answer: null, wrong: null }] : [];
  return [...fromParam, ...fromFiles];
}

export const saliencyAnalysis = defineAnalysis({
  id: 'saliency',
  title: 'Saliency (integrated gradients)',
  level: 'computational',
  summary: 'Which input tokens the answer depends on: integrated gradients on the token embeddings with the completeness check, and gradient x input (Sundararajan et al. 2017)',
  description:
    'For each prompt, the token embeddings x at hook_embed are replaced by points x\' + α(x - x\') on the straight path from a baseline x\' (the zero embedding, a token\'s embedding) to the prompt, ' +
    'and the gradient of the metric at the last position (logit difference of the answer and a wrong token, probability or loss of the answer) with respect to them is averaged over the path ' +
    '(Gauss–Legendre quadrature by default; Gauss–Legendre on geometric panels, midpoint, trapezoid and right Riemann sums on request). A token\'s attribution is Σ_d (x - x\')_d times that average gradient; the attributions add up to metric(x) - metric(x\') (completeness) as the steps grow, ' +
    'and the remaining gap is reported, also against the number of steps. Gradient × input, the gradient at the prompt alone, is reported beside it. Several path points run as the rows of one forward and backward pass.',
  references: REFERENCES,
  inputs: {
    models: { min: 1, max: 1 },
    capabilities: ['tokenizer'],
    files: {
      prompts: {
        kind: saliencyPromptsKind,
        description: 'the prompts, e.g. packages/saliency/examples/refusal-prompts.jsonl: JSON Lines {"prompt", "answer", "wrong"} (answer and wrong optional) or a .txt with one prompt per line; or give one with --param prompt',
      },
    },
  },
  params: saliencyParams,
  results: saliencyResults,
  async run(ctx) {
    return saliencyStudy(ctx.models[0], promptsOf(ctx), ctx.params, ctx);
  },
});
