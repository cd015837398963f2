/** Parameters and input checks the two circle analyses share. */
import { MarrUsageError, z, type HookedTransformer } from '@marr/core';
import { CIRCLE_TASKS, PROMPT_TEMPLATES, type CircleTaskName, type PromptTemplate } from '../circles/modular-tasks.js';

export const circleParams = {
  tasks: z.array(z.enum(CIRCLE_TASKS as unknown as [CircleTaskName, ...CircleTaskName[]])).min(1).default(['days', 'months'])
    .describe('The modular tasks: days (of the week, p = 7) and/or months (of the year, p = 12).'),
  template: z.enum(PROMPT_TEMPLATES as unknown as [PromptTemplate, ...PromptTemplate[]]).default('auto')
    .describe("Prompts: authors (\"Let's do some days of the week math. Two days from Monday is\"), calendar (the zoo models' \"two days after Monday is\"), or auto (the authors' unless the tokenizer lacks their words)."),
  components: z.number().int().min(2).max(64).default(5).describe('PCA components of the activations the probe reads (the authors use 5).'),
  layers: z.array(z.number().int().min(0)).default([]).describe('Layers to probe: l < L is the residual stream entering block l, L the last block\'s output. Empty: every layer 0..L.'),
};

export function layersOf(model: HookedTransformer, asked: readonly number[]): number[] {
  const L = model.config.nLayers;
  for (const l of asked) if (l > L) throw new MarrUsageError(`layer ${l} does not exist; this model has layers 0..${L} (${L} = the last block's output); fix --param layers=...`);
  return asked.length > 0 ? [...new Set(asked)].sort((a, b) => a - b) : Array.from({ length: L + 1 }, (_, i) => i);
}
