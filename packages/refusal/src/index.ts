/**
 * @marr/refusal: the refusal-direction analysis (the default export), plus each part of the method as a
 * plain function: candidate directions, batched selection, the interventions as hooks, weight
 * orthogonalisation, the evaluation and the savers.
 */
import { plugin } from './plugin.js';

export default plugin;
export { plugin, PLUGIN_VERSION } from './plugin.js';
export { refusalDirectionAnalysis } from './analyses/refusal-direction.js';
export { refusalDirectionParams, type RefusalDirectionParams } from './analyses/params.js';
export { refusalDirectionResults, candidateSchema, type RefusalDirectionResults } from './analyses/results.js';
export { refusalDirectionStudy, type StudyInputs, type StudyIo } from './analyses/study.js';
export * from './prompts/instructions.js';
export * from './prompts/template.js';
export * from './prompts/chat-template.js';
export * from './prompts/splits.js';
export * from './scoring/refusal-score.js';
export * from './scoring/refusal-tokens.js';
export * from './scoring/last-position.js';
export * from './direction/mean-difference.js';
export * from './interventions/vectors.js';
export * from './interventions/hooks.js';
export * from './interventions/orthogonalize.js';
export * from './selection/select-direction.js';
export * from './evaluation/refusal-phrases.js';
export * from './evaluation/generations.js';
export * from './evaluation/loss.js';
export * from './evaluation/evaluate.js';
export * from './output/save.js';
export { verdictOf, type Verdict } from './report/report.js';
