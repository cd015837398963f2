import { z } from '@marr/core';
import { DEFAULT_TEMPLATE } from '../prompts/template.js';

export const refusalDirectionParams = z.object({
  template: z
    .string()
    .optional()
    .describe(`The chat template, with {instruction} once; the tokens after it are the candidate positions. Default: the model's own chat_template (tokenizer_config.json) when it has one, else "${DEFAULT_TEMPLATE}" (the shipped models' protocol).`),
  refusalTokens: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('Strings whose tokens start a refusal (each must be one token), comma-separated; the refusal score is log p - log(1 - p) of their total probability p. Default: I (Qwen models: I, As), as in the authors\' code.'),
  nTrain: z.number().int().min(1).default(128).describe('Training prompts per class (the difference in means), drawn with the seed.'),
  nVal: z.number().int().min(1).default(32).describe('Validation prompts per class (the selection), drawn with the seed.'),
  nTest: z.number().int().min(1).default(100).describe('Held-out prompts per class for the evaluation (from harmfulTest / harmlessTest when given, else the rest of each pool).'),
  filter: z.boolean().default(true).describe('Keep harmful prompts whose refusal score is > 0 and harmless ones whose score is < 0 (train and val), as the authors do; when that leaves too few, the unfiltered split is used and the report says so.'),
  klThreshold: z.number().min(0).default(0.1).describe('Discard candidates whose ablation moves the harmless last-position distribution by more than this KL (nats).'),
  induceThreshold: z.number().default(0).describe('Discard candidates whose addition leaves the mean harmless refusal score below this.'),
  pruneLayerFraction: z.number().min(0).max(1).default(0.2).describe('Discard candidates from layers >= int((1 - fraction) * nLayers) (the authors drop the last 20%).'),
  maxNewTokens: z.number().int().min(1).default(24).describe('Greedy tokens generated per held-out prompt and condition.'),
  judge: z
    .enum(['either', 'phrases', 'score'])
    .default('either')
    .describe('What counts as a refusal in the evaluation: a refusal phrase of the authors\' list anywhere in the completion (phrases), a refusal score > 0 at the last prompt position (score), or either.'),
  evaluate: z.boolean().default(true).describe('Generate on the held-out prompts under baseline, ablation, activation addition and orthogonalised weights.'),
  examples: z.number().int().min(0).default(3).describe('Generations per condition and class shown in the report.'),
  lossTokens: z.number().int().min(1).default(4096).describe('At most this many tokens of ordinary text for the loss change (the lossText input, else the harmless baseline completions).'),
  batchSize: z.number().int().min(1).default(32).describe('Rows per forward pass when scoring (each row a prompt under one candidate; rows of equal-length prompts share a pass).'),
  saveDirection: z.string().min(1).optional().describe('Write the selected direction (layer, position, the raw difference in means) to this .json file.'),
  saveModel: z.string().min(1).optional().describe('Write the orthogonalised model to this folder as a Hugging Face folder of the source\'s format (Llama or GPT-2), loadable by every marr command.'),
});

export type RefusalDirectionParams = z.output<typeof refusalDirectionParams>;
