/**
 * Position features: token-level examples labelled by where the token sits in its window, e.g.
 * "position >= 32" in windows of 64 tokens. Positions 1..L-1 (BOS skipped) of each window are used.
 */
export interface PositionExamples {
  /** [window, position] pairs. */
  positions: [number, number][];
  labels: Uint8Array;
}

export function positionExamples(windowCount: number, contextLength: number, boundary: number): PositionExamples {
  if (!Number.isInteger(boundary) || boundary < 2 || boundary >= contextLength) {
    throw new Error(`position boundary must be an integer in [2, ${contextLength - 1}] for windows of ${contextLength} tokens, got ${boundary}`);
  }
  const positions: [number, number][] = [];
  const labels: number[] = [];
  for (let w = 0; w < windowCount; w++) {
    for (let t = 1; t < contextLength; t++) {
      positions.push([w, t]);
      labels.push(t >= boundary ? 1 : 0);
    }
  }
  return { positions, labels: Uint8Array.from(labels) };
}
