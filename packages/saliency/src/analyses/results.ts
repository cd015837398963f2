/** The results contract of the saliency analysis. */
import { PATCHING_METRICS, PATH_RULES, z } from '@marr/core';

const finite = z.number().finite();

const errorStats = z.object({
  meanAbsError: finite.describe('Mean over prompts of |Σ attributions - (metric(x) - metric(x\'))|.'),
  maxAbsError: finite.describe('The largest of them.'),
  meanRelativeError: finite.nullable().describe('Mean of |error| / |metric(x) - metric(x\')| over prompts where that gap is not 0; null when it is 0 for all.'),
});

export const promptAttributionSchema = z.object({
  source: z.string().describe('Where the prompt came from: file:line or --param prompt.'),
  text: z.string(),
  tokens: z.array(z.string()).describe('The prompt\'s tokens as display strings (BOS included when the model uses one).'),
  pieces: z.array(z.string()).describe('Each token\'s piece of the decoded text (with its spaces), as the highlighted strips show it.'),
  ids: z.array(z.number().int()),
  answer: z.string().describe('The answer token the metric scores.'),
  wrong: z.string().nullable().describe('The wrong token (logit-diff), else null.'),
  answerPredicted: z.boolean().describe('Whether the answer is the model\'s own top prediction (none was given).'),
  metric: finite.describe('metric(x): the metric on the prompt.'),
  baselineMetric: finite.describe('metric(x\'): the metric at the baseline.'),
  total: finite.describe('Σ attributions.'),
  completenessError: finite.describe('Σ attributions - (metric(x) - metric(x\')).'),
  attributions: z.array(finite).describe('Integrated gradients per token: Σ_d (x - x\')_d · the gradient averaged over the path.'),
  gradientTimesInput: z.array(finite).describe('Gradient × (input - baseline) per token: the gradient at the input alone.'),
  top: z.object({ position: z.number().int(), token: z.string(), attribution: finite }).describe('The token with the largest |attribution|.'),
  path: z.object({ alpha: z.array(finite), metric: z.array(finite) }).describe('The metric at every evaluated point of the path (α = 0 is the baseline, 1 the prompt).'),
});

export const saliencyResults = z.object({
  metric: z.enum(PATCHING_METRICS as unknown as [string, ...string[]]),
  steps: z.number().int().positive(),
  rule: z.enum(PATH_RULES as unknown as [string, ...string[]]),
  baseline: z.string().describe('The baseline parameter as given (zero, bos, eos, token:<text>).'),
  keepBos: z.boolean(),
  prompts: z.array(promptAttributionSchema),
  completeness: errorStats.describe('The completeness error at the full number of steps.'),
  convergence: z.array(errorStats.extend({ steps: z.number().int().positive() })).describe('The completeness error for 1, 2, 4, ... steps and the full number (empty when convergence is off).'),
  passes: z.number().int().positive().describe('Forward + backward passes of the main run.'),
  points: z.number().int().positive().describe('Path points evaluated in the main run (quadrature points plus both ends, per prompt).'),
});

export type SaliencyResults = z.output<typeof saliencyResults>;
