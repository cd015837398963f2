/**
 * The trainer's parameters as @marr/core's TransformerLens-layout WeightMap (the map every analysis reads).
 * The parameters already are in that layout (`p.weights`, live views into the flat array the optimizer
 * updates); this is a snapshot of them that later training steps do not change.
 */
import { tensor, type WeightMap } from '@marr/core';
import type { Parameters } from '../train/parameters.js';

export function toTransformerLensWeights(p: Parameters): WeightMap {
  return new Map([...p.weights].map(([name, t]) => [name, tensor(t.shape, t.data.slice())]));
}
