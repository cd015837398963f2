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
  /** The weight arrays of these blocks (and of the final norm and unembedding), for the fused path's kernel keys. */
  weightArrays(layers: readonly number[], final: boolean): Float32Array[];
  /** Whether blocks without edit hooks may run as one fused graph (default true; MARR_FUSED=0 turns it off). */
  fused: boolean;
}

/** The block-level part of a hook context. */
export interface BlockSlot {
  /** Slot in the schedule (the index in hook names). */
  slot: number;
  /** Index of the block whose weights run. */
  layer: number;
}
