import { defineAnalysis, MarrUsageError, type AnalysisContext, type TextDataset } from '@marr/core';
import { instructionSetKind, labelledInstructionsKind, type Instruction, type LabelledInstructions } from '../prompts/instructions.js';
import { refusalDirectionParams } from './params.js';
import { REFERENCES } from './references.js';
import { refusalDirectionResults } from './results.js';
import { refusalDirectionStudy, type StudyInputs } from './study.js';

function instructions(ctx: AnalysisContext<unknown>, name: string): Instruction[] | null {
  const files = ctx.inputs[name] ?? [];
  return files.length === 0 ? null : files.flatMap((f) => f.value as Instruction[]);
}

export const refusalDirectionAnalysis = defineAnalysis({
  id: 'refusal-direction',
  title: 'Refusal direction',
  level: 'algorithmic',
  summary: 'Find the refusal direction by difference in means, select it by ablation and addition, and test whether it mediates refusal (Arditi et al. 2024)',
  description:
    'For every post-instruction template position and layer, the candidate r is the difference between the mean block input (resid_pre) on harmful and on harmless prompts. ' +
    'Each candidate is scored on validation prompts: ablating its unit direction from every block input, attention output and MLP output (bypass score, the mean refusal score on harmful prompts), ' +
    'adding r at its layer (induce score on harmless prompts) and the KL divergence ablation causes on harmless prompts; candidates from the last 20% of layers, with KL > 0.1 or induce < 0 are discarded ' +
    'and the lowest bypass score wins. The selected direction is then evaluated on held-out prompts with greedy generations under baseline, ablation, activation addition and orthogonalised weights ' +
    '(every matrix writing into the residual stream with the direction projected out), and can be saved as JSON or as an orthogonalised Hugging Face model folder.',
  references: REFERENCES,
  inputs: {
    models: { min: 1, max: 1 },
    capabilities: ['tokenizer'],
    files: {
      harmful: { kind: instructionSetKind, description: 'harmful instructions (train and val are drawn from them; test too unless harmfulTest is given), e.g. ../shared/data/refusal/harmful_train.json; required unless prompts is given' },
      harmless: { kind: instructionSetKind, description: 'harmless instructions, e.g. ../shared/data/refusal/harmless_train.json; required unless prompts is given' },
      prompts: { kind: labelledInstructionsKind, description: 'both classes in one labelled file instead of harmful and harmless' },
      harmfulTest: { kind: instructionSetKind, description: 'held-out harmful instructions for the evaluation, e.g. ../shared/data/refusal/harmful_test.json' },
      harmlessTest: { kind: instructionSetKind, description: 'held-out harmless instructions for the evaluation' },
      lossText: { kind: 'text', description: 'ordinary text for the loss change under ablation (default: the harmless baseline completions)' },
    },
  },
  params: refusalDirectionParams,
  results: refusalDirectionResults,
  async run(ctx) {
    const model = ctx.models[0];
    const labelled = ctx.inputs.prompts?.[0]?.value as LabelledInstructions | undefined;
    if (labelled && (ctx.inputs.harmful?.length || ctx.inputs.harmless?.length)) {
      throw new MarrUsageError('give the prompts either as one labelled file (--input prompts=<file.jsonl>) or as two files (--input harmful=... --input harmless=...), not both');
    }
    const harmful = labelled?.harmful ?? instructions(ctx, 'harmful');
    const harmless = labelled?.harmless ?? instructions(ctx, 'harmless');
    if (!harmful || !harmless) {
      throw new MarrUsageError('refusal-direction needs harmful and harmless prompts: --input harmful=<file.json> --input harmless=<file.json>, or one labelled file --input prompts=<file.jsonl>');
    }
    const text = ctx.inputs.lossText?.[0]?.value as TextDataset | undefined;
    const inputs: StudyInputs = {
      harmful,
      harmless,
      harmfulTest: instructions(ctx, 'harmfulTest'),
      harmlessTest: instructions(ctx, 'harmlessTest'),
      lossWindows: text ? text.tokenWindows(model.tokenizer!, { contextLength: Math.min(model.config.nCtx, 128), maxTokens: ctx.params.lossTokens }) : null,
    };
    return refusalDirectionStudy(model, inputs, ctx.params, { progress: ctx.progress, signal: ctx.signal, seed: ctx.seed });
  },
});
