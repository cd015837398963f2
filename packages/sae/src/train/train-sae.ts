/**
 * Trains a sparse autoencoder on streamed activations.
 *
 * - Architectures: `relu` (SAELens "standard": loss = ‖x − x̂‖² + λ Σ z, decoder rows at unit norm so the
 *   penalty cannot be dodged by shrinking latents) and `topk` (loss = ‖x − x̂‖², k latents per row).
 * - Inputs are scaled by one dataset-wide factor s = √d_in / E‖x‖ (estimated on the first buffer), so the
 *   learning rate and λ mean the same at every hook; s is folded into the saved weights
 *   (b_enc, b_dec and latents divided by s), which then read raw activations.
 * - b_dec starts at the geometric median (or the mean) of a buffer sample; W_dec rows are random unit
 *   vectors and W_enc = W_decᵀ; b_enc = 0.
 * - AdamW is core's (shared with the zoo's trainer); W_dec rows are projected back to unit norm after
 *   every step.
 * - Dead latents (no activation over the last `deadAfterRows` rows) are resampled every `resampleEvery`
 *   steps until 80% of training: the decoder row becomes the normalised residual of a batch row drawn
 *   with probability ∝ its squared error, the encoder column that direction times 0.2 × the mean alive
 *   encoder norm, the bias 0 and their Adam moments are reset (Anthropic, "Towards Monosemanticity").
 * - Optionally (topk, `auxKCoef` > 0) the auxiliary top-k loss of Gao et al. 2024 on dead latents.
 * - Every product is one of six dense GEMMs per step on core's `matmul`.
 */
import { adamwStep, createAdamW, createRng, learningRate, matmul, MarrUsageError, type Float32Tensor } from '@marr/core';
import { makeSaeConfig } from '../format/config.js';
import { createSae, topKInPlace, type Sae } from '../sae.js';
import type { ActivationSource } from './activation-source.js';
import { geometricMedian, rowMean } from './geometric-median.js';
import { ShuffleBuffer } from './shuffle-buffer.js';
import { resampleDeadLatents } from './dead-latents.js';
import { addAuxKGradients } from './aux-k.js';

export type TrainArchitecture = 'relu' | 'topk';

export interface TrainSaeProgress {
  step: number;
  steps: number;
  /** Mean squared error per row (summed over d_in), in the scaled space. */
  mse: number;
  /** Fraction of variance unexplained on the batch. */
  fvu: number;
  /** Mean active latents per row. */
  l0: number;
  /** Latents that did not fire over the last `deadAfterRows` rows. */
  deadFraction: number;
  rowsPerSecond: number;
}

export interface TrainSaeOptions {
  source: ActivationSource;
  architecture: TrainArchitecture;
  /** Latents (d_sae). */
  width: number;
  /** Active latents per row (topk; required there). */
  k?: number;
  /** L1 coefficient λ (relu; default 5 in the scaled space, where E‖x‖ = √d_in). */
  l1?: number;
  /** Activation rows (tokens) to train on. */
  tokens: number;
  batchSize?: number;
  lr?: number;
  /** Linear warmup steps (default 1% of the steps). */
  warmupSteps?: number;
  seed?: number;
  /** Rows held by the shuffle buffer (default 32 batches). */
  bufferRows?: number;
  bDecInit?: 'geometric-median' | 'mean' | 'zeros';
  /** Steps between dead-latent resamplings (default steps/8; 0 disables). */
  resampleEvery?: number;
  /** A latent is dead after this many rows without firing (default: 1/16 of the training rows, at least one batch). */
  deadAfterRows?: number;
  /** topk: coefficient of the auxiliary top-k loss on dead latents (Gao et al. use 1/32; default 0 = off, resampling handles dead latents). */
  auxKCoef?: number;
  /** topk: dead latents in the auxiliary loss per row (default d_in / 2). */
  auxK?: number;
  /** Written into cfg.json (hook_name and metadata.hook_name). */
  hookName?: string | null;
  /** Extra cfg.json fields (model name, dataset, ...). */
  cfgExtra?: Record<string, unknown>;
  onProgress?: (p: TrainSaeProgress) => void;
  signal?: AbortSignal;
}

export interface TrainSaeResult {
  sae: Sae;
  /** One entry per logged step (about 50 over the run, and the last). */
  history: TrainSaeProgress[];
  /** The input scale s folded into the weights. */
  inputScale: number;
  rowsRead: number;
  seconds: number;
}

const tensorOf = (shape: number[], data: Float32Array): Float32Tensor => ({ dtype: 'float32', shape, data });

function positiveInt(name: string, v: number | undefined, min = 1): number {
  if (v === undefined || !Number.isInteger(v) || v < min) throw new MarrUsageError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function normalizeRows(W: Float32Array, rows: number, cols: number): void {
  for (let i = 0; i < rows; i++) {
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += W[i * cols + j] ** 2;
    const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < cols; j++) W[i * cols + j] *= s;
  }
}

export async function trainSae(options: TrainSaeOptions): Promise<TrainSaeResult> {
  const started = performance.now();
  const width = positiveInt('width', options.width);
  const tokens = positiveInt('tokens', options.tokens);
  const batch = positiveInt('batch size', options.batchSize ?? 1024);
  if (options.architecture !== 'relu' && options.architecture !== 'topk') throw new MarrUsageError(`architecture must be relu or topk, got "${options.architecture}"`);
  const topk = options.architecture === 'topk';
  const k = topk ? positiveInt('--k', options.k) : 0;
  if (topk && k > width) throw new MarrUsageError(`--k ${k} is larger than --width ${width}; a top-k SAE keeps k of its width latents`);
  const l1 = options.l1 ?? 5;
  if (!(l1 >= 0)) throw new MarrUsageError(`--l1 must be a non-negative number, got ${options.l1}`);
  const lr = options.lr ?? (topk ? 1e-3 : 4e-4);
  const steps = Math.ceil(tokens / batch);
  const warmup = options.warmupSteps ?? Math.max(1, Math.floor(steps / 100));
  const seed = options.seed ?? 0;
  const rng = createRng(seed);

  const first = await options.source.next();
  if (!first || first.data.length === 0) throw new MarrUsageError('the activation source gave no rows; the data file is empty or shorter than one window');
  const dIn = first.shape[first.shape.length - 1];
  const capacity = Math.max(batch, options.bufferRows ?? batch * 32);
  const buffer = new ShuffleBuffer(options.source, dIn, capacity, rng.fork(), first);

  // scale and b_dec from a sample of the first buffer
  const sample = await buffer.sample(Math.min(capacity, 4096));
  let normSum = 0;
  for (let r = 0; r < sample.shape[0]; r++) {
    let ss = 0;
    for (let j = 0; j < dIn; j++) ss += sample.data[r * dIn + j] ** 2;
    normSum += Math.sqrt(ss);
  }
  const meanNorm = normSum / sample.shape[0];
  const scale = meanNorm > 0 ? Math.sqrt(dIn) / meanNorm : 1;
  for (let i = 0; i < sample.data.length; i++) sample.data[i] *= scale;

  // parameters in one flat array: W_enc [dIn, width], b_enc [width], W_dec [width, dIn], b_dec [dIn]
  const nEnc = dIn * width;
  const offs = { W_enc: 0, b_enc: nEnc, W_dec: nEnc + width, b_dec: 2 * nEnc + width };
  const size = 2 * nEnc + width + dIn;
  const params = new Float32Array(size);
  const grads = new Float32Array(size);
  const view = (a: Float32Array, name: keyof typeof offs, n: number) => a.subarray(offs[name], offs[name] + n);
  const W_enc = view(params, 'W_enc', nEnc), b_enc = view(params, 'b_enc', width), W_dec = view(params, 'W_dec', nEnc), b_dec = view(params, 'b_dec', dIn);
  const gW_enc = view(grads, 'W_enc', nEnc), gb_enc = view(grads, 'b_enc', width), gW_dec = view(grads, 'W_dec', nEnc), gb_dec = view(grads, 'b_dec', dIn);
  const init = rng.fork();
  for (let i = 0; i < nEnc; i++) W_dec[i] = init.normal();
  normalizeRows(W_dec, width, dIn);
  for (let j = 0; j < width; j++) for (let i = 0; i < dIn; i++) W_enc[i * width + j] = W_dec[j * dIn + i];
  const bInit = options.bDecInit ?? 'geometric-median';
  if (bInit !== 'zeros') b_dec.set(bInit === 'mean' ? rowMean(sample) : geometricMedian(sample));

  const opt = createAdamW(size);
  const adam = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
  const resampleEvery = options.resampleEvery ?? Math.max(1, Math.floor(steps / 8));
  const deadAfter = options.deadAfterRows ?? Math.max(batch, Math.floor(steps / 16) * batch);
  const auxKCoef = topk ? options.auxKCoef ?? 0 : 0;
  const auxK = options.auxK ?? Math.max(1, Math.floor(dIn / 2));
  if (!(auxKCoef >= 0)) throw new MarrUsageError(`auxKCoef must be a non-negative number, got ${options.auxKCoef}`);
  const lastFired = new Float64Array(width); // rows seen when each latent last fired
  let rowsSeen = 0;
  const history: TrainSaeProgress[] = [];
  const logEvery = Math.max(1, Math.floor(steps / 50));
  const resampleRng = rng.fork();
  let windowStart = performance.now();
  let windowRows = 0;

  for (let step = 0; step < steps; step++) {
    if (options.signal?.aborted) throw new Error('SAE training was cancelled');
    const B = batch;
    const X = await buffer.batch(B);
    const x = X.data;
    for (let i = 0; i < x.length; i++) x[i] *= scale;
    // forward
    const c = new Float32Array(x.length);
    for (let r = 0; r < B; r++) for (let j = 0; j < dIn; j++) c[r * dIn + j] = x[r * dIn + j] - b_dec[j];
    const H = (await matmul(tensorOf([B, dIn], c), tensorOf([dIn, width], W_enc))).data;
    // latents Z, in place of the pre-activations (kept for the aux-k loss when latents are dead)
    const deadNow: number[] = [];
    if (auxKCoef > 0) for (let j = 0; j < width; j++) if (rowsSeen - lastFired[j] > deadAfter) deadNow.push(j);
    for (let r = 0; r < B; r++) {
      const o = r * width;
      if (topk) for (let j = 0; j < width; j++) H[o + j] += b_enc[j];
      else for (let j = 0; j < width; j++) { const h = H[o + j] + b_enc[j]; H[o + j] = h > 0 ? h : 0; }
    }
    const pre = deadNow.length > 0 ? H.slice() : null;
    const Z = topk ? topKInPlace(H, B, width, k) : H;
    const Xhat = (await matmul(tensorOf([B, width], Z), tensorOf([width, dIn], W_dec))).data;
    let sse = 0;
    const dX = new Float32Array(B * dIn);
    const rowErr = new Float64Array(B);
    for (let r = 0; r < B; r++) {
      let e = 0;
      for (let j = 0; j < dIn; j++) {
        const i = r * dIn + j;
        const d = Xhat[i] + b_dec[j] - x[i];
        Xhat[i] += b_dec[j];
        e += d * d;
        dX[i] = (2 * d) / B;
      }
      rowErr[r] = e;
      sse += e;
    }
    // backward
    const gWd = (await matmul(tensorOf([B, width], Z), tensorOf([B, dIn], dX), { transposeA: true })).data;
    gW_dec.set(gWd);
    gb_dec.fill(0);
    for (let r = 0; r < B; r++) for (let j = 0; j < dIn; j++) gb_dec[j] += dX[r * dIn + j];
    const dZ = (await matmul(tensorOf([B, dIn], dX), tensorOf([width, dIn], W_dec), { transposeB: true })).data;
    // through the nonlinearity (gradient 1 where a latent is active), the L1 term, b_enc's gradient, firing
    let active = 0;
    const l1Grad = topk ? 0 : l1 / B;
    const firedAt = rowsSeen + B;
    gb_enc.fill(0);
    for (let r = 0; r < B; r++) {
      const o = r * width;
      for (let j = 0; j < width; j++) {
        if (Z[o + j] > 0) {
          const g = dZ[o + j] + l1Grad;
          dZ[o + j] = g;
          gb_enc[j] += g;
          lastFired[j] = firedAt;
          active++;
        } else dZ[o + j] = 0;
      }
    }
    const gWe = (await matmul(tensorOf([B, dIn], c), tensorOf([B, width], dZ), { transposeA: true })).data;
    gW_enc.set(gWe);
    const dC = (await matmul(tensorOf([B, width], dZ), tensorOf([dIn, width], W_enc), { transposeB: true })).data;
    for (let r = 0; r < B; r++) for (let j = 0; j < dIn; j++) gb_dec[j] -= dC[r * dIn + j];
    if (pre) {
      const error = new Float32Array(B * dIn);
      for (let i = 0; i < error.length; i++) error[i] = x[i] - Xhat[i];
      addAuxKGradients({ pre, error, encoderInput: c, rows: B, dIn, width, dead: deadNow, kAux: auxK, coef: auxKCoef, W_enc, W_dec, gW_enc, gb_enc, gW_dec, gb_dec });
    }
    rowsSeen += B;

    adamwStep(opt, params, grads, learningRate(step, steps, warmup, lr, lr * 0.1), adam);
    normalizeRows(W_dec, width, dIn);

    let dead = 0;
    for (let j = 0; j < width; j++) if (rowsSeen - lastFired[j] > deadAfter) dead++;
    if (resampleEvery > 0 && step > 0 && step % resampleEvery === 0 && step < 0.8 * steps && dead > 0) {
      const deadList: number[] = [];
      for (let j = 0; j < width; j++) if (rowsSeen - lastFired[j] > deadAfter) deadList.push(j);
      const residual = new Float32Array(B * dIn);
      for (let i = 0; i < residual.length; i++) residual[i] = x[i] - Xhat[i];
      resampleDeadLatents({ dead: deadList, residual, rows: B, dIn, width, W_enc, b_enc, W_dec, moments: [opt.m, opt.v], offsets: offs, rng: resampleRng });
      for (const j of deadList) lastFired[j] = rowsSeen; // a fresh window to prove itself
    }
    windowRows += B;
    if (step % logEvery === 0 || step === steps - 1) {
      let mean = new Float64Array(dIn), tss = 0;
      for (let r = 0; r < B; r++) for (let j = 0; j < dIn; j++) mean[j] += x[r * dIn + j] / B;
      for (let r = 0; r < B; r++) for (let j = 0; j < dIn; j++) tss += (x[r * dIn + j] - mean[j]) ** 2;
      mean = new Float64Array(0);
      const now = performance.now();
      const p: TrainSaeProgress = {
        step: step + 1, steps, mse: sse / B, fvu: tss > 0 ? sse / tss : 0, l0: active / B, deadFraction: dead / width,
        rowsPerSecond: windowRows / Math.max(1e-9, (now - windowStart) / 1000),
      };
      windowStart = now;
      windowRows = 0;
      history.push(p);
      options.onProgress?.(p);
    }
  }

  // fold the input scale: latents z/s read raw activations with unchanged W_enc, W_dec
  const inv = 1 / scale;
  const cfg = makeSaeConfig(
    { dIn, dSae: width, architecture: topk ? 'topk' : 'standard', k: topk ? k : null, hookName: options.hookName ?? null, applyBDecToInput: true, normalizeActivations: 'none' },
    { ...(options.cfgExtra ?? {}), marr_training: { input_scale_folded: scale, tokens: rowsSeen, seed, l1: topk ? null : l1, lr, batch_size: batch } },
  );
  const sae = createSae(cfg, {
    W_enc: tensorOf([dIn, width], W_enc.slice()),
    b_enc: tensorOf([width], b_enc.map((v) => v * inv)),
    W_dec: tensorOf([width, dIn], W_dec.slice()),
    b_dec: tensorOf([dIn], b_dec.map((v) => v * inv)),
  });
  return { sae, history, inputScale: scale, rowsRead: buffer.rowsRead, seconds: (performance.now() - started) / 1000 };
}

