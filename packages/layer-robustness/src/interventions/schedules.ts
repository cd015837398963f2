/**
 * Layer schedules (see `LayerSchedule` in @marr/core) for the paper's two interventions.
 */
import type { LayerSchedule } from '@marr/core';

function checkLayer(nLayers: number, layer: number, max: number, what: string): void {
  if (!Number.isInteger(nLayers) || nLayers < 1) throw new RangeError(`${what}: nLayers must be a positive integer, got ${nLayers}`);
  if (!Number.isInteger(layer) || layer < 0 || layer > max) {
    throw new RangeError(`${what}: layer must be an integer in [0, ${max}] for a model with ${nLayers} layers, got ${layer}`);
  }
}

/** [0, 1, ..., nLayers - 1]. */
export function identitySchedule(nLayers: number): number[] {
  return Array.from({ length: nLayers }, (_, i) => i);
}

/** Every block except `layer`: its attention and MLP outputs are dropped and the residual passes through. */
export function deletionSchedule(nLayers: number, layer: number): LayerSchedule {
  checkLayer(nLayers, layer, nLayers - 1, 'deletionSchedule');
  return identitySchedule(nLayers).filter((l) => l !== layer);
}

/** Blocks `layer` and `layer + 1` run in the opposite order (all their parameters, norms included, move together). */
export function swapSchedule(nLayers: number, layer: number): LayerSchedule {
  checkLayer(nLayers, layer, nLayers - 2, 'swapSchedule');
  const s = identitySchedule(nLayers);
  s[layer] = layer + 1;
  s[layer + 1] = layer;
  return s;
}
