/**
 * The study file: one behaviour explained at Marr's three levels, as data. A study names the behaviour
 * (prompts with their answers and a behavioural metric), the steps that look for its representation and
 * its components (each an analysis of an installed plugin, with parameters), the links that pass what one
 * step found to the next, and the closing intervention that re-runs the behaviour with those components
 * ablated. `parseStudy` checks a file against this schema and names each wrong field with its fix.
 */
import { z } from 'zod';
import { MARR_LEVELS } from '../analysis/protocol.js';

/** The version of the study format this marr reads (`"format": 1`). */
export const STUDY_FORMAT_VERSION = 1;

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * A link: a value taken from an earlier step's report. `path` walks the step's report (`results.bestLayer`,
 * `results.top.0.row`); on an array, `take` keeps its first items and `format` turns each item into a
 * string by filling `{field}` placeholders from it (`"{row}{column}"` turns `{row: "L1", column: "H0"}`
 * into `"L1H0"`).
 */
export const studyLinkSchema = z
  .strictObject({
    from: z.string().describe('The id of an earlier step.'),
    path: z.string().min(1).describe('Dot path into that step\'s report: results.bestLayer, results.top.0.row, summary.'),
    take: z.int().min(1).optional().describe('On an array: keep only its first `take` items.'),
    format: z.string().optional().describe('On an array of objects (or one object): a template like "{row}{column}" filled from each item.'),
  })
  .describe('A value found by an earlier step.');

export type StudyLink = z.output<typeof studyLinkSchema>;

export const behaviourPromptSchema = z.strictObject({
  prompt: z.string().min(1).describe('The text the model continues.'),
  answer: z.string().min(1).optional().describe('The expected next token (one token); default: the behaviour\'s `answer`.'),
  wrong: z.string().min(1).optional().describe('The competing token, for the logit-diff metric; default: the behaviour\'s `wrong`.'),
  group: z.string().min(1).optional().describe('The condition the prompt belongs to (e.g. forbidden, ordinary); default "all".'),
});

export type BehaviourPrompt = z.output<typeof behaviourPromptSchema>;

export const BEHAVIOUR_METRICS = ['accuracy', 'probability', 'loss', 'logit-diff'] as const;
export type BehaviourMetric = (typeof BEHAVIOUR_METRICS)[number];

export const studyBehaviourSchema = z.strictObject({
  description: z.string().min(1).describe('What the model does, in one sentence (the computational level).'),
  prompts: z
    .union([z.string().min(1), z.array(behaviourPromptSchema).min(1)])
    .describe('The prompts: a JSON Lines file (relative to the study file) of {"prompt", "answer", "wrong", "group"} objects, or the same objects inline.'),
  metric: z
    .enum(BEHAVIOUR_METRICS)
    .default('accuracy')
    .describe('accuracy: the greedy next token is the answer; probability: p(answer); loss: -log p(answer) in nats; logit-diff: logit(answer) - logit(wrong).'),
  label: z.string().min(1).optional().describe('What the metric measures here, e.g. "refusal rate" (default: the metric\'s name).'),
  answer: z.string().min(1).optional().describe('The answer of prompts that give none.'),
  wrong: z.string().min(1).optional().describe('The wrong token of prompts that give none (logit-diff).'),
  target: z.string().min(1).optional().describe('The group whose change the summary states (default: the first group).'),
});

export type StudyBehaviour = z.output<typeof studyBehaviourSchema>;

/** A parameter value: JSON, or a link whose value is filled in when the step runs. */
const paramValueSchema = z.union([studyLinkSchema, z.json()]);

export const studyStepSchema = z.strictObject({
  id: z.string().regex(ID, 'must be kebab-case (lowercase letters, digits and dashes)').describe('A name for the step, used by links.'),
  analysis: z.string().min(1).describe('The analysis id (or plugin:id), as for `marr run`.'),
  level: z.enum(MARR_LEVELS as unknown as ['computational', 'algorithmic', 'implementational']).optional().describe("The level section the step belongs to (default: the analysis's own level)."),
  data: z.string().min(1).optional().describe('The main dataset file (`--data`), relative to the study file.'),
  inputs: z.record(z.string(), z.string().min(1)).optional().describe('Named input files (`--input name=path`, or name.label), relative to the study file.'),
  params: z.record(z.string(), paramValueSchema).optional().describe('Analysis parameters; a value may be a link {"from", "path"} to an earlier step.'),
  finding: z
    .string()
    .min(1)
    .optional()
    .describe('One sentence for the summary, with {path} placeholders filled from this step\'s report ({results.bestLayer}; {results.f1:%} as a percentage).'),
});

export type StudyStep = z.output<typeof studyStepSchema>;

export const ABLATION_METHODS = ['zero', 'mean'] as const;
export type AblationMethod = (typeof ABLATION_METHODS)[number];

export const studyInterventionSchema = z.strictObject({
  description: z.string().min(1).optional().describe('What is removed and why, in one sentence.'),
  ablate: z
    .union([studyLinkSchema, z.array(z.string().min(1)).min(1)])
    .describe('The components to ablate: a link to those an earlier step found, or names: L{l}H{h} (a head), L{l}N{i} (an MLP neuron), L{l}MLP, L{l}ATTN.'),
  method: z
    .enum(ABLATION_METHODS)
    .default('zero')
    .describe('zero: set the component to 0; mean: to its mean over every position of every behaviour prompt.'),
});

export type StudyIntervention = z.output<typeof studyInterventionSchema>;

export const studySchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON schema of this file (marr study --schema), for editors.'),
  format: z.literal(STUDY_FORMAT_VERSION).describe(`The study format version: ${STUDY_FORMAT_VERSION}.`),
  name: z.string().regex(ID, 'must be kebab-case (lowercase letters, digits and dashes)').describe('The study\'s name, used by `marr study <name>`.'),
  title: z.string().min(1).describe('A title for the report.'),
  description: z.string().min(1).optional().describe('What the study shows, for `marr study --list` and the docs.'),
  model: z.string().min(1).optional().describe('The model the study was written for (used when --model is not given).'),
  behaviour: studyBehaviourSchema,
  steps: z.array(studyStepSchema).min(1).describe('The analyses that explain the behaviour, in order (links point backwards).'),
  intervention: studyInterventionSchema,
});

export type Study = z.output<typeof studySchema>;

/** The JSON schema of study files (`marr study --schema`). */
export function studyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
