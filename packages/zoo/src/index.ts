export * from './corpus/corpus.js';
export { CITIES, PEOPLE, type City, type Person } from './corpus/facts.js';
export * from './corpus/english-words.js';
export * from './corpus/german-words.js';
export * from './corpus/generators/calendar.js';
export * from './corpus/generators/facts.js';
export * from './corpus/generators/refusal.js';
export * from './corpus/generators/refusal-protocol.js';
export * from './corpus/generators/induction.js';
export { generateStory } from './corpus/generators/stories.js';
export { generateGerman } from './corpus/generators/german.js';
export * from './tokenizer/word-tokenizer.js';
export { corpusVocabulary, deepVocabulary, namedVocabulary, type VocabularyName } from './tokenizer/corpus-vocabulary.js';
export type { Recipe } from './train/recipe.js';
export { recipes, getRecipe } from './recipes.js';
export { train, recipeConfig, checkTrainable, type TrainOptions, type TrainProgress, type TrainResult, type TrainingRecord, type LossPoint } from './train/trainer.js';
export { createTrainee, lossAndGradients, trainStep, heldOutLoss, type Trainee, type TraineeOptions } from './train/step.js';
export { initParameters, parameterCount, parameterRule, parameterSpecs, wrapParameters, type Parameters, type ParameterSpec } from './train/parameters.js';
export { logSpacedSteps, createParameterAdamW } from './train/optimizer.js';
export { toTransformerLensWeights } from './export/transformer-lens.js';
export { writeHfFolder, hfConfigJson } from './export/hf-folder.js';
export {
  measureBehaviours, measureRefusalProtocol, protocolHeldOutRates, type BehaviourReport, type MeasureOptions, type RefusalProtocolReport, type RefusalRates,
} from './evaluate/behaviours.js';
export { listShippedModels, resolveShippedModel, SHIPPED_PURPOSES, type ShippedModel } from './zoo/shipped.js';
export { modelCard } from './zoo/model-card.js';
export { HELD_OUT_SEED } from './train/trainer.js';
export { shippedModelResolver } from './zoo/register.js';
