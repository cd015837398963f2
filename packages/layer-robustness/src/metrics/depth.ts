/** Relative depth l / (L - 1) of block l in an L-block model (1 for a one-block model). */
export function relativeDepth(layer: number, nLayers: number): number {
  return nLayers <= 1 ? 1 : layer / (nLayers - 1);
}
