/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization") on flat parameter arrays, with
 * global-norm gradient clipping and a warmup + cosine learning-rate schedule.
 *
 * One optimiser for every trainer in marr (the zoo's transformer trainer, @marr/sae's autoencoder
 * trainer): parameters live in one flat Float32Array (or Float64Array for gradient checks) and the
 * caller keeps the gradients in an array of the same layout.
 */
export type OptimArray = Float32Array | Float64Array;

export interface AdamWSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamWState {
  m: Float32Array;
  v: Float32Array;
  step: number;
  /** 1 where weight decay applies, per parameter value. */
  decayMask: Uint8Array;
}

/**
 * Fresh moments for `size` parameter values. `decayMask` (1 = decay) defaults to no weight decay anywhere,
 * so a caller that wants decay says where.
 */
export function createAdamW(size: number, decayMask?: Uint8Array): AdamWState {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`createAdamW: size must be a non-negative integer, got ${size}`);
  if (decayMask && decayMask.length !== size) {
    throw new RangeError(`createAdamW: decayMask has ${decayMask.length} entries but there are ${size} parameter values`);
  }
  return { m: new Float32Array(size), v: new Float32Array(size), step: 0, decayMask: decayMask ?? new Uint8Array(size) };
}

/** Scales `grads` in place so their global L2 norm is at most `maxNorm` (0 = no clipping); returns the norm before clipping. */
export function clipGradients(grads: OptimArray, maxNorm: number): number {
  let ss = 0;
  for (let i = 0; i < grads.length; i++) ss += grads[i] * grads[i];
  const norm = Math.sqrt(ss);
  if (maxNorm > 0 && norm > maxNorm) {
    const s = maxNorm / norm;
    for (let i = 0; i < grads.length; i++) grads[i] *= s;
  }
  return norm;
}

/** One AdamW update of `params` in place (bias-corrected moments, decay decoupled from the gradient). */
export function adamwStep(state: AdamWState, params: OptimArray, grads: OptimArray, lr: number, s: AdamWSettings): void {
  if (params.length !== state.m.length || grads.length !== state.m.length) {
    throw new RangeError(`adamwStep: the optimiser holds ${state.m.length} values but params has ${params.length} and grads ${grads.length}`);
  }
  state.step++;
  const { m, v, decayMask } = state;
  const c1 = 1 - Math.pow(s.beta1, state.step);
  const c2 = 1 - Math.pow(s.beta2, state.step);
  for (let i = 0; i < params.length; i++) {
    const g = grads[i];
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * g;
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * g * g;
    const update = m[i] / c1 / (Math.sqrt(v[i] / c2) + s.eps);
    params[i] -= lr * (update + (decayMask[i] ? s.weightDecay * params[i] : 0));
  }
}

/** Linear warmup from 0 to `maxLr` over `warmup` steps, then cosine decay to `minLr` at `total`. */
export function learningRate(step: number, total: number, warmup: number, maxLr: number, minLr: number): number {
  if (step < warmup) return (maxLr * (step + 1)) / warmup;
  if (total <= warmup) return maxLr;
  const progress = Math.min(1, (step - warmup) / (total - warmup));
  return minLr + 0.5 * (maxLr - minLr) * (1 + Math.cos(Math.PI * progress));
}
