/**
 * The two interventions as hooks (pipeline/utils/hook_utils.py):
 * - directional ablation: x <- x - (x . r̂) r̂ on every block input (resid_pre), attention output
 *   (hook_attn_out) and MLP output (hook_mlp_out), at all positions (so also on every generated token);
 * - activation addition: x <- x + c r at one block's input only, all positions.
 * Both take a per-row choice, so one forward pass can score many candidate directions (each batch row
 * its own candidate); `null` leaves a row untouched.
 */
import type { Hook } from '@marr/core';
import { addVector, projectOut, rowSize } from './vectors.js';

/** The hook points directional ablation edits in a model of `nLayers` blocks. */
export function ablationHookNames(nLayers: number): string[] {
  const names: string[] = [];
  for (let l = 0; l < nLayers; l++) names.push(`blocks.${l}.hook_resid_pre`, `blocks.${l}.hook_attn_out`, `blocks.${l}.hook_mlp_out`);
  return names;
}

/** Ablation of a per-row unit direction (`unitOf(row)`), at every ablation hook point. */
export function rowAblationHooks(nLayers: number, unitOf: (row: number) => Float64Array | null): Hook[] {
  return ablationHookNames(nLayers).map((name) => ({
    name,
    edit: (t) => {
      const size = rowSize(t);
      for (let b = 0; b < t.shape[0]; b++) {
        const u = unitOf(b);
        if (u) projectOut(t.data, u, b * size, (b + 1) * size);
      }
    },
  }));
}

/** Ablation of one unit direction in every row. */
export function ablationHooks(nLayers: number, unit: Float64Array): Hook[] {
  return rowAblationHooks(nLayers, () => unit);
}

/** Per-row activation addition: row b gets `coeff * vector` added at the input of block `layer`. */
export function rowActAddHooks(nLayers: number, addOf: (row: number) => { layer: number; vector: ArrayLike<number>; coeff: number } | null): Hook[] {
  const hooks: Hook[] = [];
  for (let l = 0; l < nLayers; l++) {
    hooks.push({
      name: `blocks.${l}.hook_resid_pre`,
      edit: (t) => {
        const size = rowSize(t);
        for (let b = 0; b < t.shape[0]; b++) {
          const a = addOf(b);
          if (a && a.layer === l) addVector(t.data, a.vector, a.coeff, b * size, (b + 1) * size);
        }
      },
    });
  }
  return hooks;
}

/** Activation addition of `coeff * vector` at block `layer`'s input, every row and position. */
export function actAddHooks(layer: number, vector: ArrayLike<number>, coeff: number): Hook[] {
  return [{ name: `blocks.${layer}.hook_resid_pre`, edit: (t) => addVector(t.data, vector, coeff) }];
}
