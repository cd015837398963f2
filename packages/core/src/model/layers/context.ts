/**
 * What every layer function of the forward pass receives.
 */
import type { Backend } from '../../backend/backend.js';
import type { Float32Tensor } from '../../tensor/tensor.js';
import type { ModelConfig } from '../config.js';
import type { HookRegistry } from '../hook-registry.js';
import type { DerivedWeights } from '../derived-weights.js';

export interface LayerContext {
  cfg: ModelConfig;
  backend: Backend;
  hooks: HookRegistry;
  weight(name: string): Float32Tensor;
  optionalWeight(name: string): Float32Tensor | undefined;
  derived: DerivedWeights;
}

/** The block-level part of a hook context. */
export interface BlockSlot {
  /** Slot in the schedule (the index in hook names). */
  slot: number;
  /** Index of the block whose weights run. */
  layer: number;
}
