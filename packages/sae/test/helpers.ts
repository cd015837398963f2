import { createRng, tensor, type Float32Tensor } from '@marr/core';
import { createSae, makeSaeConfig, type Sae, type SaeArchitecture } from '../src/index.js';

/** A random SAE (weights ~ N(0, scale²)) for tests. */
export function randomSae(dIn: number, dSae: number, opts: { seed?: number; architecture?: SaeArchitecture; k?: number; hookName?: string; scale?: number } = {}): Sae {
  const rng = createRng(opts.seed ?? 1);
  const s = opts.scale ?? 0.3;
  const rand = (shape: number[], sc = s) => tensor(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => sc * rng.normal()));
  const architecture = opts.architecture ?? 'standard';
  const cfg = makeSaeConfig({ dIn, dSae, architecture, k: architecture === 'topk' ? opts.k ?? 3 : null, hookName: opts.hookName ?? null });
  const weights = { W_enc: rand([dIn, dSae]), b_enc: rand([dSae], 0.05), W_dec: rand([dSae, dIn]), b_dec: rand([dIn], 0.05),
    ...(architecture === 'jumprelu' ? { threshold: tensor([dSae], Array.from({ length: dSae }, () => Math.abs(0.1 * rng.normal()))) } : {}) };
  return createSae(cfg, weights);
}

/** The standard (ReLU) SAE reconstruction of each row, by plain loops in float64 (independent of the package). */
export function reluSaeByHand(sae: Sae, x: Float32Tensor): { latents: Float64Array; recons: Float64Array } {
  const { dIn, dSae } = sae.cfg;
  const rows = x.data.length / dIn;
  const { W_enc, b_enc, W_dec, b_dec } = sae.weights;
  const latents = new Float64Array(rows * dSae);
  const recons = new Float64Array(rows * dIn);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < dSae; j++) {
      let h = b_enc.data[j];
      for (let i = 0; i < dIn; i++) h += (x.data[r * dIn + i] - b_dec.data[i]) * W_enc.data[i * dSae + j];
      latents[r * dSae + j] = Math.max(0, h);
    }
    for (let i = 0; i < dIn; i++) {
      let y = b_dec.data[i];
      for (let j = 0; j < dSae; j++) y += latents[r * dSae + j] * W_dec.data[j * dIn + i];
      recons[r * dIn + i] = y;
    }
  }
  return { latents, recons };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
