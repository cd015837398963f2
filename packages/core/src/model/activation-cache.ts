/**
 * The activations kept by a run, by hook name. (The lead's minimal version: helper P's toolkit methods,
 * accumulatedResid, decomposeResid, stackHeadResults, applyLnToStack and logitAttribution, extend this class.)
 */
import type { Float32Tensor } from '../tensor/tensor.js';
import { indexed } from '../tensor/indexing.js';
import type { HookedTransformer, IndexedTensor } from './types.js';
import { unknownNameError } from './hook-points.js';

export class ActivationCache {
  constructor(
    private readonly entries: Map<string, Float32Tensor>,
    /** The model that produced the activations (for its config, weights, final norm and unembedding). */
    readonly model: HookedTransformer | null = null,
  ) {}

  /** The cached activation; throws (suggesting the nearest name) when the name was not cached. */
  get(name: string): IndexedTensor {
    const t = this.entries.get(name);
    if (!t) {
      throw unknownNameError('cached activation', name, [...this.entries.keys()], this.entries.size === 0 ? '(nothing was cached: pass cache: true or a list of names)' : '(only names kept by the cache filter are available)');
    }
    return indexed(t);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }
}
