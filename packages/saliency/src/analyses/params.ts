import { DEFAULT_IG_STEPS, PATCHING_METRICS, PATH_RULES, z, type PatchingMetricName, type PathRule } from '@marr/core';
import { BASELINE_HELP } from '../targets/baseline-choice.js';

export const saliencyParams = z.object({
  prompt: z
    .string()
    .default('')
    .describe('One prompt to attribute, given on the command line (used with or instead of --input prompts=<file>).'),
  metric: z
    .enum(PATCHING_METRICS as unknown as [PatchingMetricName, ...PatchingMetricName[]])
    .default('logit-diff')
    .describe('What is attributed, at the last position: logit-diff = logit(answer) - logit(wrong); probability = p(answer); loss = -log p(answer) in nats.'),
  answer: z
    .string()
    .default('')
    .describe('The answer token for prompts whose line names none; empty: the model\'s own top prediction on the prompt.'),
  wrong: z
    .string()
    .default('')
    .describe('The wrong token (logit-diff) for prompts whose line names none; empty: the model\'s most likely token other than the answer.'),
  steps: z.number().int().min(1).max(4096).default(DEFAULT_IG_STEPS).describe('Gradient points on the path from the baseline to the input (more: a smaller completeness error).'),
  rule: z
    .enum(PATH_RULES as unknown as [PathRule, ...PathRule[]])
    .default('gauss-legendre')
    .describe('The quadrature of the path integral: gauss-legendre (as in Captum; points crowded towards both ends), graded (Gauss-Legendre on panels [0, 1e-4], ..., [0.1, 1], for the jump a norm makes near the zero baseline), midpoint (Riemann midpoint sum, error ~ 1/steps^2), trapezoid (steps + 1 points, ~ 1/steps^2) or right (right Riemann sum, ~ 1/steps; steps=1 is gradient x input).'),
  baseline: z.string().default('zero').describe(`Where the path starts. ${BASELINE_HELP}`),
  keepBos: z
    .boolean()
    .default(true)
    .describe('Keep the BOS position at its own embedding on the whole path (its attribution is then 0); BOS is the attention sink, and removing it changes the model\'s computation rather than the prompt.'),
  batchSize: z.number().int().min(1).default(16).describe('Path points per forward and backward pass (each batch row is one point on a path).'),
  convergence: z
    .boolean()
    .default(true)
    .describe('Also run with 1, 2, 4, ... steps (up to half of steps) and report the completeness error against the number of steps (costs at most as much again).'),
  maxPrompts: z.number().int().min(1).default(64).describe('Attribute at most this many prompts (the first ones).'),
});

export type SaliencyParams = z.output<typeof saliencyParams>;
