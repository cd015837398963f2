/** Shared helpers of the gradient tests: small random models of every architecture, seeded directions, comparisons. */
import { createRng, defaultConfig, randomModel, type Architecture, type HookedTransformer, type ModelConfig } from '../../src/index.js';

export interface ArchCase {
  label: string;
  config: Partial<ModelConfig> & { architecture: Architecture };
}

const base = { nLayers: 2, dModel: 16, nHeads: 4, dMlp: 24, dVocab: 23, nCtx: 16 };

/** Every architecture the gradient must cover. */
export const ARCHS: readonly ArchCase[] = [
  { label: 'gpt2 (LayerNorm, learned positions, gelu_new, biases)', config: { architecture: 'gpt2', ...base, unembedBias: true } },
  { label: 'gpt-neox (parallel blocks, partial rotary half, gelu)', config: { architecture: 'gpt-neox', ...base, rotaryDim: 2 } },
  { label: 'llama GQA, rotary half, SwiGLU', config: { architecture: 'llama', ...base, nKvHeads: 2 } },
  { label: 'llama rotary interleaved (llama2.c)', config: { architecture: 'llama', ...base, nKvHeads: 4, rotaryStyle: 'interleaved' } },
  { label: 'relu MLP, rotary interleaved partial', config: { architecture: 'gpt-neox', ...base, act: 'relu', rotaryStyle: 'interleaved', rotaryDim: 2, parallelAttnMlp: false } },
];

/**
 * A random model with weights large enough (std 0.3) that every nonlinearity is exercised, rounded to
 * multiples of 2^-16 so that a weight moved by ±FD_EPS is still exact in float32 (finite differences of
 * the float64 path then see exactly the perturbation asked for).
 */
export function model(c: ArchCase, seed = 1, options: { backend?: 'reference'; fused?: boolean } = {}): HookedTransformer {
  const m = randomModel(c.config, { seed, std: 0.3, backend: options.backend, fused: options.fused ?? false });
  for (const w of m.weights.values()) for (let i = 0; i < w.data.length; i++) w.data[i] = Math.round(w.data[i] * 65536) / 65536;
  m.weightsUpdated();
  return m;
}

/** The finite-difference step for weights: a power of two, so W ± FD_EPS·(±1) stays exact in float32. */
export const FD_EPS = 2 ** -16;

/** A ±1 direction (Rademacher), seeded. */
export function signs(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => (rng.next() < 0.5 ? -1 : 1));
}

export function configOf(c: ArchCase): ModelConfig {
  return defaultConfig(c.config.architecture, c.config);
}

export function randomTokens(rows: number, seq: number, vocab: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: seq }, () => rng.int(vocab)));
}

export function direction(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
