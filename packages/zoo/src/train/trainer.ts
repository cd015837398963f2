/**
 * The training loop: seeded init and data order, AdamW with warmup + cosine and clipping, progress
 * callbacks, log-spaced checkpoints, and a Hugging Face folder with `training.json` at the end.
 */
import { matmul, validateConfig, type ModelConfig } from '@marr/core';
import { join, resolve } from 'node:path';
import { DOCUMENT_KINDS } from '../corpus/corpus.js';
import { writeJsonAtomic } from '@marr/core';
import { writeHfFolder } from '../export/hf-folder.js';
import { namedVocabulary } from '../tokenizer/corpus-vocabulary.js';
import { BOS_ID, EOS_ID, type WordVocabulary } from '../tokenizer/word-tokenizer.js';
import { batchAt, packedTokens } from './data.js';
import { coreKernels, type FloatArray, type Kernels } from './kernels.js';
import { adamwStep, clipGradients, learningRate, type AdamWState } from '@marr/core';
import { createParameterAdamW, logSpacedSteps } from './optimizer.js';
import { initParameters, parameterCount, type Parameters } from './parameters.js';
import type { Recipe } from './recipe.js';
import { backward, checkTrainable, forward } from './transformer.js';
import { linearToTl, tlToLinear, wrapLinear, type LinearParameters } from './linear-layout.js';

/** The linear-layout working copy of p that transformer.ts runs on, and its gradient buffer. */
const linearCopies = new WeakMap<Parameters, { lin: LinearParameters; grads: FloatArray }>();
function linearCopy(k: Kernels, p: Parameters): { lin: LinearParameters; grads: FloatArray } {
  let c = linearCopies.get(p);
  if (!c || c.lin.data.length !== p.data.length || !(c.lin.data instanceof (k.precision === 'float64' ? Float64Array : Float32Array))) {
    c = { lin: wrapLinear(p.config, k.alloc(p.data.length)), grads: k.alloc(p.data.length) };
    linearCopies.set(p, c);
  }
  tlToLinear(p, p.data, c.lin);
  return c;
}

/** The mean next-token loss of p on one batch (the forward pass of transformer.ts). */
async function batchLoss(k: Kernels, p: Parameters, tokens: Int32Array, targets: Int32Array, batch: number, seq: number): Promise<number> {
  return (await forward(k, linearCopy(k, p).lin, tokens, targets, batch, seq)).loss;
}

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
  /** Kernels to train on (default: core's shared matmul backend). */
  kernels?: Kernels;
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

/** Mean loss over `batches` batches of the held-out stream. */
export async function heldOutLoss(k: Kernels, p: Parameters, stream: Int32Array, batches: number, batch: number, seq: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < batches; i++) {
    const { tokens, targets } = batchAt(stream, i, batch, seq);
    total += await batchLoss(k, p, tokens, targets, batch, seq);
  }
  return total / batches;
}

/** One optimisation step: forward, backward, clipping and AdamW; returns the batch loss before the update. */
export async function trainStep(
  k: Kernels, p: Parameters, grads: Float32Array, opt: AdamWState, tokens: Int32Array, targets: Int32Array,
  batch: number, seq: number, lr: number, recipe: Pick<Recipe, 'beta1' | 'beta2' | 'weightDecay' | 'gradClip'>,
): Promise<number> {
  const { lin, grads: linGrads } = linearCopy(k, p);
  const fwd = await forward(k, lin, tokens, targets, batch, seq);
  linGrads.fill(0);
  await backward(k, lin, linGrads, fwd, batch, seq);
  linearToTl(lin, linGrads, p, grads);
  clipGradients(grads, recipe.gradClip);
  adamwStep(opt, p.data, grads, lr, { beta1: recipe.beta1, beta2: recipe.beta2, eps: 1e-8, weightDecay: recipe.weightDecay });
  return fwd.loss;
}

export async function train(recipe: Recipe, options: TrainOptions): Promise<TrainResult> {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? recipe.steps;
  checkOptions(recipe, steps, seed);
  const out = resolve(options.out);
  const k = options.kernels ?? coreKernels(matmul);
  const vocab = namedVocabulary(recipe.vocabulary);
  const dtype = recipe.storage ?? 'F32';
  const cfg = recipeConfig(recipe, vocab);
  const { batch, seq } = recipe;
  const evalBatches = options.evalBatches ?? 8;

  const p = initParameters(cfg, seed);
  const grads = new Float32Array(p.data.length);
  const opt = createParameterAdamW(p);
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
    const loss = await trainStep(k, p, grads, opt, tokens, targets, batch, seq, lr, recipe);
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
    heldOutLoss: await heldOutLoss(k, p, heldOut, evalBatches, batch, seq),
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
