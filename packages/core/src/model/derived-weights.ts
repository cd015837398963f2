/**
 * Kernel-friendly layouts derived from the TransformerLens-layout weights (e.g. W_Q, W_K, W_V fused
 * into one [d, (H + 2K) dh] matrix), rebuilt automatically when a source weight is replaced.
 */
import { tensor, type Float32Tensor } from '../tensor/tensor.js';
import type { Backend } from '../backend/backend.js';

interface Entry {
  sources: Float32Array[];
  value: Float32Tensor;
}

export class DerivedWeights {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly backend: Backend) {}

  /** The derived tensor `key`, rebuilt when any of `sources` is not the array it was built from. */
  get(key: string, sources: Float32Tensor[], build: () => Float32Tensor): Float32Tensor {
    const e = this.entries.get(key);
    if (e && e.sources.length === sources.length && e.sources.every((s, i) => s === sources[i].data)) return e.value;
    if (e) this.backend.release(e.value.data);
    const value = build();
    this.entries.set(key, { sources: sources.map((s) => s.data), value });
    return value;
  }

  /** Drops every derived tensor built from `source` (after an in-place edit). */
  invalidate(source: Float32Array): void {
    for (const [k, e] of this.entries) {
      if (e.sources.includes(source)) {
        this.backend.release(e.value.data);
        this.entries.delete(k);
      }
    }
  }
}

/** [heads, d, dh] weights side by side as one [d, sum(heads) * dh] matrix. */
export function fuseHeadWeights(parts: Float32Tensor[]): Float32Tensor {
  const d = parts[0].shape[1];
  const dh = parts[0].shape[2];
  const totalHeads = parts.reduce((a, p) => a + p.shape[0], 0);
  const cols = totalHeads * dh;
  const out = new Float32Array(d * cols);
  let h0 = 0;
  for (const p of parts) {
    const H = p.shape[0];
    for (let h = 0; h < H; h++)
      for (let i = 0; i < d; i++) {
        const src = (h * d + i) * dh;
        out.set(p.data.subarray(src, src + dh), i * cols + (h0 + h) * dh);
      }
    h0 += H;
  }
  return tensor([d, cols], out);
}

/** Concatenation of flat bias vectors. */
export function concatBiases(parts: Float32Tensor[]): Float32Tensor {
  const n = parts.reduce((a, p) => a + p.data.length, 0);
  const out = new Float32Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p.data, o);
    o += p.data.length;
  }
  return tensor([n], out);
}
