/**
 * One training step on core's hooked transformer: the loss and its gradient with respect to every weight
 * from `model.runWithGrad` (accumulated straight into the flat gradient buffer through its views), global
 * clipping, AdamW on the flat parameter array, then `model.weightsUpdated()` so the model drops every cache
 * derived from the old weights. The zoo has no transformer of its own.
 */
import {
  adamwStep, clipGradients, createHookedTransformer, gradMetrics, intTensor, type AdamWState, type BackendChoice, type HookedTransformer, type WeightMap,
} from '@marr/core';
import { batchAt } from './data.js';
import { createParameterAdamW } from './optimizer.js';
import type { Parameters } from './parameters.js';
import type { Recipe } from './recipe.js';

/** What a training run holds: the parameters, their gradients, the model that reads them and the optimizer state. */
export interface Trainee {
  readonly parameters: Parameters;
  /** d loss / d parameters of the last step: a flat array with the parameters' layout. */
  readonly grads: Float32Array;
  /** The gradients as a WeightMap of views into `grads` (what runWithGrad accumulates into). */
  readonly gradWeights: WeightMap;
  /** Core's hooked transformer on `parameters.weights` (views: it sees every update of the flat array). */
  readonly model: HookedTransformer;
  readonly optimizer: AdamWState;
}

export interface TraineeOptions {
  /** The backend the model runs on (default: core's choice, ONNX Runtime when it loads). */
  backend?: BackendChoice;
  /** Threads for the onnxruntime backend. */
  threads?: number;
}

/** A trainee for `p`: zeroed gradients, fresh AdamW moments, and the hooked transformer on p's weights. */
export function createTrainee(p: Parameters, options: TraineeOptions = {}): Trainee {
  const grads = new Float32Array(p.data.length);
  return {
    parameters: p,
    grads,
    gradWeights: p.viewsInto(grads),
    model: createHookedTransformer({ config: p.config, weights: p.weights, backend: options.backend, threads: options.threads }),
    optimizer: createParameterAdamW(p),
  };
}

function checkBatch(p: Parameters, tokens: Int32Array, targets: Int32Array, batch: number, seq: number): void {
  if (tokens.length !== batch * seq || targets.length !== batch * seq) {
    throw new RangeError(`train: tokens and targets must have batch·seq = ${batch * seq} entries, got ${tokens.length} and ${targets.length}`);
  }
  if (seq > p.config.nCtx) throw new RangeError(`train: sequence length ${seq} exceeds the model's context ${p.config.nCtx}`);
}

/**
 * The mean next-token loss on one batch (tokens [batch, seq] row-major, targets the same shape, −1 = no
 * target), with its gradient with respect to every weight written into `t.grads` (overwriting it).
 */
export async function lossAndGradients(t: Trainee, tokens: Int32Array, targets: Int32Array, batch: number, seq: number): Promise<number> {
  checkBatch(t.parameters, tokens, targets, batch, seq);
  t.grads.fill(0);
  const r = await t.model.runWithGrad(intTensor([batch, seq], tokens), {
    metric: gradMetrics.loss({ targets }),
    wrt: [],
    accumulate: t.gradWeights,
  });
  return r.value;
}

/** One optimisation step: loss and gradients, clipping and AdamW; returns the batch loss before the update. */
export async function trainStep(
  t: Trainee, tokens: Int32Array, targets: Int32Array, batch: number, seq: number, lr: number,
  recipe: Pick<Recipe, 'beta1' | 'beta2' | 'weightDecay' | 'gradClip'>,
): Promise<number> {
  const loss = await lossAndGradients(t, tokens, targets, batch, seq);
  clipGradients(t.grads, recipe.gradClip);
  adamwStep(t.optimizer, t.parameters.data, t.grads, lr, { beta1: recipe.beta1, beta2: recipe.beta2, eps: 1e-8, weightDecay: recipe.weightDecay });
  t.model.weightsUpdated();
  return loss;
}

/** Mean loss over `batches` batches of the held-out stream (forward passes only, core's loss metric). */
export async function heldOutLoss(model: HookedTransformer, stream: Int32Array, batches: number, batch: number, seq: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < batches; i++) {
    const { tokens, targets } = batchAt(stream, i, batch, seq);
    const input = intTensor([batch, seq], tokens);
    const run = await model.run(input);
    if (!run.logits) throw new Error('heldOutLoss: the model returned no logits');
    const attentionMask = intTensor([batch, seq], new Int32Array(batch * seq).fill(1));
    total += gradMetrics.loss({ targets }).evaluate({ logits: run.logits, cache: run.cache, tokens: input, attentionMask }).value;
  }
  return total / batches;
}
