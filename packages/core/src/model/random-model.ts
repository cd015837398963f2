/**
 * Seeded random models of any supported architecture and size, for tests and benchmarks.
 */
import { createRng } from '../random/rng.js';
import { tensor } from '../tensor/tensor.js';
import { defaultConfig, validateConfig, type Architecture, type ModelConfig } from './config.js';
import { createHookedTransformer, type BackendChoice } from './hooked-transformer.js';
import type { HookedTransformer } from './types.js';
import { expectedWeights, type WeightMap } from './weights.js';

/**
 * Random weights for `config`: matrices ~ N(0, std^2) (std 0.02 by default, GPT-2's init), norm
 * weights 1 + N(0, 0.1^2) and biases N(0, std^2) so that every parameter matters in tests.
 */
export function randomWeights(config: ModelConfig, seed: number, std = 0.02): WeightMap {
  const rng = createRng(seed);
  const weights: WeightMap = new Map();
  for (const [name, shape] of expectedWeights(config)) {
    const t = tensor(shape);
    const isNormWeight = /(^|\.)ln(1|2|_final)\.w$/.test(name) || name === 'ln_final.w';
    for (let i = 0; i < t.data.length; i++) t.data[i] = isNormWeight ? 1 + 0.1 * rng.normal() : std * rng.normal();
    weights.set(name, t);
  }
  return weights;
}

export interface RandomModelOptions {
  seed?: number;
  std?: number;
  backend?: BackendChoice;
  threads?: number;
  /** See CreateModelOptions.fused. */
  fused?: boolean;
}

/** A seeded random model; `config` may be partial (filled from the architecture's defaults). */
export function randomModel(
  config: Partial<ModelConfig> & { architecture: Architecture },
  options: RandomModelOptions = {},
): HookedTransformer & { readonly backendName: string } {
  const cfg = validateConfig(defaultConfig(config.architecture, config), 'randomModel');
  const seed = options.seed ?? 0;
  return createHookedTransformer({
    config: cfg,
    weights: randomWeights(cfg, seed, options.std),
    backend: options.backend,
    threads: options.threads,
    fused: options.fused,
    source: { spec: `random:${cfg.architecture}:seed${seed}`, format: 'random', files: [] },
  });
}
