/**
 * MLP activations for probing, read with core's `collectActivations`: context-level features are the
 * mean of a hook point's activation over a sequence's positions (BOS excluded), token-level features
 * the activation at chosen (sequence, position) pairs. The result is one float64 design matrix per hook
 * point, with neurons named "L{layer}N{neuron}".
 */
import { checkHookNames, collectActivations, layerOfHook, type HookActivationMatrix, type HookedTransformer, type Progress } from '@marr/core';
import { designMatrix, type DesignMatrix } from '@marr/sparse-regression';

export interface HookActivations {
  hookPoint: string;
  /** Layer index parsed from the hook name (`blocks.3.mlp.hook_post` -> 3), or null. */
  layer: number | null;
  x: DesignMatrix;
  names: string[];
}

export interface ActivationOptions {
  batchSize?: number;
  signal?: AbortSignal;
  progress?: Progress;
}

/** "L3N609" for neuron 609 of layer 3; "<hook>:N609" for hooks outside blocks. */
export function neuronName(hookPoint: string, layer: number | null, neuron: number): string {
  return layer === null ? `${hookPoint}:N${neuron}` : `L${layer}N${neuron}`;
}

export const layerOf = layerOfHook;

/** Every layer's `mlp.hook_post`, in order. */
export function defaultProbeHookPoints(model: HookedTransformer): string[] {
  return model.hookPoints().filter((n) => /^blocks\.\d+\.mlp\.hook_post$/.test(n));
}

export const checkHookPoints = checkHookNames;

function asDesignMatrices(matrices: HookActivationMatrix[]): HookActivations[] {
  return matrices.map((m) => ({
    hookPoint: m.hookPoint,
    layer: m.layer,
    x: designMatrix(m.rows, m.cols, m.data),
    names: Array.from({ length: m.cols }, (_, j) => neuronName(m.hookPoint, m.layer, j)),
  }));
}

/** One row per sequence: the activation averaged over its positions (BOS excluded). */
export async function contextActivations(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  hookPoints: readonly string[],
  options: ActivationOptions = {},
): Promise<HookActivations[]> {
  return asDesignMatrices(await collectActivations(model, sequences, hookPoints, { ...options, reduce: 'mean' }));
}

/** One row per (sequence, position) pair, in the order given. */
export async function tokenActivations(
  model: HookedTransformer,
  sequences: readonly (readonly number[])[],
  positions: readonly (readonly [number, number])[],
  hookPoints: readonly string[],
  options: ActivationOptions = {},
): Promise<HookActivations[]> {
  return asDesignMatrices(await collectActivations(model, sequences, hookPoints, { ...options, positions }));
}
