/**
 * Attention locality: how much attention each layer puts on the tokens 1..K positions back, pooled
 * (averaged) over heads, windows and every query position that has a token at that offset.
 */
import { batches } from '@marr/core';
import type { Float32Tensor, HookedTransformer } from '@marr/core';
import { relativeDepth } from '../metrics/depth.js';

/** Running sums of pattern[b, h, q, q - k] per head and offset. */
export class OffsetAttention {
  readonly sums: Float64Array[];
  readonly counts: Float64Array;

  constructor(readonly nHeads: number, readonly maxOffset: number) {
    this.sums = Array.from({ length: nHeads }, () => new Float64Array(maxOffset));
    this.counts = new Float64Array(maxOffset);
  }

  /** Adds a pattern [batch, heads, query, key] of a causal self-attention run (no KV cache: key = query index). */
  add(pattern: Float32Tensor): void {
    if (pattern.shape.length !== 4) throw new RangeError(`OffsetAttention: pattern must be [batch, heads, query, key], got [${pattern.shape}]`);
    const [B, H, T, S] = pattern.shape;
    if (H !== this.nHeads) throw new RangeError(`OffsetAttention: expected ${this.nHeads} heads, got ${H}`);
    if (S !== T) throw new RangeError(`OffsetAttention: expected as many keys as queries (a run without cached keys), got ${T} queries and ${S} keys`);
    const d = pattern.data;
    for (let k = 1; k <= this.maxOffset; k++) {
      if (T > k) this.counts[k - 1] += B * (T - k);
    }
    for (let b = 0; b < B; b++)
      for (let h = 0; h < H; h++) {
        const base = (b * H + h) * T * S;
        const sums = this.sums[h];
        for (let q = 1; q < T; q++) {
          const row = base + q * S;
          const kmax = Math.min(this.maxOffset, q);
          for (let k = 1; k <= kmax; k++) sums[k - 1] += d[row + q - k];
        }
      }
  }

  /** Mean attention on each offset 1..K for one head. */
  head(h: number): number[] {
    return Array.from(this.sums[h], (s, k) => (this.counts[k] > 0 ? s / this.counts[k] : 0));
  }

  /** Mean attention on each offset 1..K, averaged over heads. */
  pooled(): number[] {
    const out = new Array<number>(this.maxOffset).fill(0);
    for (let h = 0; h < this.nHeads; h++) this.head(h).forEach((v, k) => (out[k] += v / this.nHeads));
    return out;
  }
}

/** Mean attention on offsets 1..maxOffset of one pattern tensor [batch, heads, query, key], pooled over heads. */
export function attentionByOffset(pattern: Float32Tensor, maxOffset = 5): number[] {
  const acc = new OffsetAttention(pattern.shape[1], maxOffset);
  acc.add(pattern);
  return acc.pooled();
}

export interface LayerLocality {
  layer: number;
  relativeDepth: number;
  /** Mean attention on the token 1, 2, ..., maxOffset positions back, pooled over heads. */
  byOffset: number[];
  /** Sum of byOffset: attention on the previous maxOffset tokens. */
  total: number;
  /** Per head: attention on the previous maxOffset tokens. */
  perHead: number[];
}

export interface LocalityOptions {
  maxOffset?: number;
  batchWindows?: number;
  signal?: AbortSignal;
  onStep?: () => void;
}

/** Windows per batch by default: one layer's attention pattern stays under 2^24 values (at most 64 windows). */
export function localityBatchWindows(seq: number, nHeads: number): number {
  return Math.max(1, Math.min(64, Math.floor(2 ** 24 / (nHeads * seq * seq))));
}

export async function attentionLocality(
  model: HookedTransformer,
  windows: readonly (readonly number[])[],
  options: LocalityOptions = {},
): Promise<LayerLocality[]> {
  const { nLayers: L, nHeads: H } = model.config;
  const K = options.maxOffset ?? 5;
  if (!Number.isInteger(K) || K < 1) throw new RangeError(`maxOffset must be a positive integer, got ${K}`);
  if (windows.length === 0) throw new RangeError('attentionLocality: no token windows');
  const seq = windows[0].length;
  // Patterns are reduced inside read-only hooks, so only one layer's pattern lives at a time.
  const batchWindows = options.batchWindows ?? localityBatchWindows(seq, H);
  const accs = Array.from({ length: L }, () => new OffsetAttention(H, K));
  const hooks = accs.map((acc, l) => ({ name: `blocks.${l}.attn.hook_pattern`, fn: (p: Float32Tensor) => void acc.add(p) }));
  for await (const { items: batch } of batches(windows, { size: batchWindows, signal: options.signal })) {
    await model.run(batch, { hooks, returnLogits: false });
    options.onStep?.();
  }
  return accs.map((acc, layer) => {
    const byOffset = acc.pooled();
    return {
      layer,
      relativeDepth: relativeDepth(layer, L),
      byOffset,
      total: byOffset.reduce((a, b) => a + b, 0),
      perHead: Array.from({ length: H }, (_, h) => acc.head(h).reduce((a, b) => a + b, 0)),
    };
  });
}
