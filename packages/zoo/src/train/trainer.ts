/**
 * The training loop: seeded init and data order, AdamW with warmup + cosine and clipping, progress
 * callbacks, log-spaced checkpoints, and a Hugging Face folder with `training.json` at the end.
 */
import { validateConfig, writeJsonAtomic, type BackendChoice, type ModelConfig } from '@marr/core';
import { join, resolve } from 'node:path';
import { DOCUMENT_KINDS } from '../corpus/corpus.js';
import { writeHfFolder } from '../export/hf-folder.js';
import { namedVocabulary } from '../tokenizer/corpus-vocabulary.js';
import { BOS_ID, EOS_ID, type WordVocabulary } from '../tokenizer/word-tokenizer.js';
import { batchAt, packedTokens } from './data.js';
import { learningRate } from '@marr/core';
import { logSpacedSteps } from './optimizer.js';
import { initParameters, parameterCount, type Parameters } from './parameters.js';
import type { Recipe } from './recipe.js';
import { createTrainee, heldOutLoss, trainStep, type Trainee } from './step.js';

export interface TrainProgress {
  step: number;
  steps: number;
  loss: number;
  lr: number;
  tokensSeen: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

export interface TrainOptions {
  seed?: number;
  /** Overrides the recipe's step count. */
  steps?: number;
  /** Output folder (created); the final model is written there, checkpoints under `checkpoints/step-N`. */
  out: string;
  onProgress?: (p: TrainProgress) => void;
  /** Report progress every this many steps (default 10). */
  progressEvery?: number;
  /** Held-out loss is measured on this many batches from a different seed (default 8). */
  evalBatches?: number;
  /** The backend core's hooked transformer trains on (default: core's choice, ONNX Runtime when it loads). */
  backend?: BackendChoice;
}

export interface LossPoint {
  step: number;
  loss: number;
}

export interface TrainingRecord {
  recipe: Recipe;
  seed: number;
  step: number;
  steps: number;
  tokensSeen: number;
  parameters: number;
  lossCurve: LossPoint[];
  heldOutLoss: number;
  checkpoints: number[];
  seconds: number;
  tokensPerSecond: number;
  corpus: { kinds: readonly string[]; heldOutSeed: number };
}

export interface TrainResult {
  out: string;
  parameters: Parameters;
  vocab: WordVocabulary;
  record: TrainingRecord;
}

/**
 * Throws a clear error for configs the zoo cannot train and ship. Core's backward pass covers every
 * architecture; the limits are the Hugging Face folders the trainer writes (Llama or GPT-2 layout).
 */
export function checkTrainable(cfg: ModelConfig): void {
  const problems: string[] = [];
  if (cfg.parallelAttnMlp) problems.push('parallel attention/MLP (GPT-NeoX) blocks have no Hugging Face export here; use a gpt2 or llama config');
  if (cfg.positional === 'rotary' && cfg.rotaryStyle !== 'half') problems.push('only the `half` rotary style is trained (it is what Hugging Face Llama uses)');
  if (cfg.gatedMlp && cfg.act !== 'silu') problems.push(`gated MLPs are trained with silu only, not ${cfg.act}`);
  if (!cfg.gatedMlp && cfg.act !== 'gelu_new') problems.push(`ungated MLPs are trained with gelu_new only, not ${cfg.act}`);
  if (cfg.nHeads % cfg.nKvHeads !== 0) problems.push('nHeads must be a multiple of nKvHeads');
  if (problems.length) throw new Error(`train: cannot train this config: ${problems.join('; ')}`);
}

/** The recipe's config with the tokenizer's vocabulary size and special ids. */
export function recipeConfig(recipe: Recipe, vocab: WordVocabulary): ModelConfig {
  const cfg: ModelConfig = { ...recipe.config, dVocab: vocab.tokens.length, bosTokenId: BOS_ID, eosTokenId: EOS_ID, name: recipe.name };
  validateConfig(cfg, `recipe ${recipe.name}`);
  checkTrainable(cfg);
  return cfg;
}

function checkOptions(recipe: Recipe, steps: number, seed: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`train: steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`train: seed must be a non-negative integer, got ${seed}`);
  if (recipe.seq > recipe.config.nCtx) throw new RangeError(`train: recipe ${recipe.name} has seq ${recipe.seq} > nCtx ${recipe.config.nCtx}`);
}

/** Seed offsets so training data, held-out data and init never share a stream. */
const DATA_SEED_OFFSET = 1_000;
export const HELD_OUT_SEED = 999_999;

/** Trains `recipe` from a seeded init on core's hooked transformer and writes the model folder. */
export async function train(recipe: Recipe, options: TrainOptions): Promise<TrainResult> {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? recipe.steps;
  checkOptions(recipe, steps, seed);
  const vocab = namedVocabulary(recipe.vocabulary);
  const trainee = createTrainee(initParameters(recipeConfig(recipe, vocab), seed), { backend: options.backend });
  try {
    return await runTraining(trainee, recipe, vocab, seed, steps, options);
  } finally {
    await trainee.model.dispose();
  }
}

async function runTraining(trainee: Trainee, recipe: Recipe, vocab: WordVocabulary, seed: number, steps: number, options: TrainOptions): Promise<TrainResult> {
  const out = resolve(options.out);
  const dtype = recipe.storage ?? 'F32';
  const p = trainee.parameters;
  const cfg = p.config;
  const { batch, seq } = recipe;
  const evalBatches = options.evalBatches ?? 8;
  const stream = packedTokens(vocab, seed + DATA_SEED_OFFSET, recipe.mix, steps * batch * seq + 1);
  const heldOut = packedTokens(vocab, HELD_OUT_SEED, recipe.mix, evalBatches * batch * seq + 1);
  const checkpointSteps = recipe.checkpoints ? logSpacedSteps(steps) : [];
  const lossCurve: LossPoint[] = [];
  const started = performance.now();
  const every = options.progressEvery ?? 10;
  let tokensSeen = 0;

  const saveCheckpoint = async (step: number) => {
    const dir = join(out, 'checkpoints', `step-${step}`);
    await writeHfFolder(dir, p, vocab, { dtype });
    await writeJsonAtomic(join(dir, 'training.json'), { recipe: recipe.name, seed, step, tokensSeen });
  };

  for (let step = 0; step < steps; step++) {
    if (checkpointSteps.includes(step)) await saveCheckpoint(step);
    const { tokens, targets } = batchAt(stream, step, batch, seq);
    const lr = learningRate(step, steps, recipe.warmup, recipe.maxLr, recipe.minLr);
    const loss = await trainStep(trainee, tokens, targets, batch, seq, lr, recipe);
    tokensSeen += batch * seq;
    lossCurve.push({ step: step + 1, loss });
    if (options.onProgress && ((step + 1) % every === 0 || step + 1 === steps)) {
      const seconds = (performance.now() - started) / 1000;
      const tps = tokensSeen / seconds;
      options.onProgress({ step: step + 1, steps, loss, lr, tokensSeen, tokensPerSecond: tps, etaSeconds: ((steps - step - 1) * batch * seq) / tps });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (checkpointSteps.includes(steps)) await saveCheckpoint(steps);
  const record: TrainingRecord = {
    recipe,
    seed,
    step: steps,
    steps,
    tokensSeen,
    parameters: parameterCount(cfg),
    lossCurve: thin(lossCurve, 200),
    heldOutLoss: await heldOutLoss(trainee.model, heldOut, evalBatches, batch, seq),
    checkpoints: checkpointSteps,
    seconds,
    tokensPerSecond: tokensSeen / seconds,
    corpus: { kinds: DOCUMENT_KINDS, heldOutSeed: HELD_OUT_SEED },
  };
  await writeHfFolder(out, p, vocab, { dtype });
  await writeJsonAtomic(join(out, 'training.json'), record);
  return { out, parameters: p, vocab, record };
}

/** At most `n` points of a curve, evenly spaced, always keeping the last (the curve stays small in JSON). */
function thin(curve: LossPoint[], n: number): LossPoint[] {
  if (curve.length <= n) return curve;
  const out: LossPoint[] = [];
  for (let i = 0; i < n; i++) out.push(curve[Math.floor((i * (curve.length - 1)) / (n - 1))]);
  return out;
}
