/** AdamW with decoupled weight decay, global-norm gradient clipping, and a warmup + cosine schedule. */
import type { FloatArray } from './kernels.js';
import type { Parameters } from './parameters.js';

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

export function createAdamW(p: Parameters): AdamWState {
  const decayMask = new Uint8Array(p.data.length);
  for (const s of p.specs) if (s.decay) p.view(s.name, decayMask as unknown as FloatArray).fill(1);
  return { m: new Float32Array(p.data.length), v: new Float32Array(p.data.length), step: 0, decayMask };
}

/** Scales `grads` in place so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGradients(grads: FloatArray, maxNorm: number): number {
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
export function adamwStep(state: AdamWState, params: FloatArray, grads: FloatArray, lr: number, s: AdamWSettings): void {
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

/** Checkpoint steps 0, 1, 2, 4, 8, ... below `total`, and `total` itself. */
export function logSpacedSteps(total: number): number[] {
  const steps = [0];
  for (let s = 1; s < total; s *= 2) steps.push(s);
  if (total > 0) steps.push(total);
  return steps;
}
