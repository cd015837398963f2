/**
 * Parameters shared by the probing analyses: where the labelled examples come from (a labelled JSONL
 * dataset, the language-ID builder, position features, or a table of precomputed activations) and
 * which hook points to read.
 */
import { z, type AnalysisInputs, type NamedInputSpec } from '@marr/core';
import { classTextKind } from '../datasets/language-id.js';

/** The named file inputs (`--input name=path`) of the probing analyses. */
export const probeInputFiles = {
  activations: {
    kind: 'table',
    description: 'a CSV/TSV of precomputed activations (a label column plus one numeric column per feature), used instead of a model',
  },
  classFiles: {
    kind: classTextKind,
    labelled: true,
    description: 'language-id: one plain-text file per class, --input classFiles.en=twain.txt --input classFiles.de=grimm.txt (several files may share a label)',
  },
} as const satisfies Record<string, NamedInputSpec>;

/** What the probing analyses read: at most one model (or none, with --input activations), a text dataset, the named files. */
export const probeInputs: AnalysisInputs = {
  models: { min: 0, max: 1 },
  data: { kind: 'text', required: false, description: 'labelled JSONL ({"text","label"} or {"text","tokenLabels"}) for task=labels, any text for task=position' },
  capabilities: ['tokenizer'],
  files: probeInputFiles,
};

export const probeInputParams = {
  task: z
    .enum(['labels', 'language-id', 'position'])
    .default('labels')
    .describe(
      'labels: --data is JSONL with {"text","label"} (context level, mean over tokens) or {"text","tokenLabels"} (token level), or use --input activations=<csv>; language-id: --input classFiles.<lang>=<path> per class; position: --data is any text, tokens labelled by position >= positionBoundary',
    ),
  activations: z
    .string()
    .default('')
    .describe('deprecated: use --input activations=<file.csv> (a CSV/TSV of precomputed activations, used instead of a model)'),
  labelColumn: z.string().default('label').describe('name of the label column in the activations table'),
  positive: z.string().default('').describe('the label value that marks the feature (default: 1/true for boolean labels)'),
  classFiles: z
    .array(z.string())
    .default([])
    .describe('deprecated: use --input classFiles.<label>=<path> per file (here: label=path entries, e.g. en=twain.txt,de=grimm.txt)'),
  hookPoints: z.array(z.string()).default([]).describe("hook points to probe (default: every layer's mlp.hook_post)"),
  contextLength: z.number().int().min(4).max(4096).default(64).describe('tokens per example (texts are truncated; language-id windows have this length)'),
  maxExamples: z
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe('cap on examples: per class for language-id, windows for position, a seeded sample of the rest otherwise'),
  positionBoundary: z.number().int().min(0).default(0).describe('position task: label is position >= this (0: half the context length)'),
  batchSize: z.number().int().min(1).max(512).default(16).describe('sequences per forward pass'),
  testFraction: z.number().gt(0).lt(1).default(0.3).describe('held-out fraction of the seeded stratified split'),
  C: z.number().gt(0).default(1).describe('inverse L2 strength of the logistic probes (and of the OSP objective)'),
};

export const probeInputSchema = z.object(probeInputParams);
export type ProbeInputParams = z.output<typeof probeInputSchema>;
