/**
 * The weights as the differentiable forward wants them, from core's TransformerLens-layout WeightMap:
 * most are used as they are (W_O [H, dh, d] is already [H·dh, d]); W_Q, W_K, W_V are fused into one
 * [d, (H + 2K)·dh] matrix (one matmul for the three projections) and their biases concatenated.
 *
 * Float32: the weight arrays themselves, and the fused matrices cached per model until a weight is
 * replaced (setWeight) or reported changed in place (weightsUpdated). Float64: converted copies per call.
 */
import type { ModelConfig } from '../model/config.js';
import type { WeightMap } from '../model/weights.js';
import type { FloatArray, Kernels } from './kernels.js';

interface CacheEntry {
  sources: Float32Array[];
  value: Float32Array;
}

/** Fused float32 weights of one model, rebuilt when a source array changes identity or is invalidated. */
export class FusedWeightCache {
  private readonly entries = new Map<string, CacheEntry>();

  get(key: string, sources: Float32Array[], build: () => Float32Array): Float32Array {
    const e = this.entries.get(key);
    if (e && e.sources.length === sources.length && e.sources.every((s, i) => s === sources[i])) return e.value;
    const value = build();
    this.entries.set(key, { sources, value });
    return value;
  }

  /** Drops what was built from `source` (every entry when omitted). */
  invalidate(source?: Float32Array): void {
    if (!source) {
      this.entries.clear();
      return;
    }
    for (const [k, e] of this.entries) if (e.sources.includes(source)) this.entries.delete(k);
  }
}

/** [heads, d, dh] parts side by side as [d, Σheads·dh]. */
function fuseHeads(alloc: (n: number) => FloatArray, parts: { data: FloatArray; heads: number }[], d: number, dh: number): FloatArray {
  const cols = parts.reduce((a, p) => a + p.heads, 0) * dh;
  const out = alloc(d * cols);
  let h0 = 0;
  for (const p of parts) {
    for (let h = 0; h < p.heads; h++)
      for (let i = 0; i < d; i++) {
        const src = (h * d + i) * dh;
        const dst = i * cols + (h0 + h) * dh;
        for (let j = 0; j < dh; j++) out[dst + j] = p.data[src + j];
      }
    h0 += p.heads;
  }
  return out;
}

/** Adds the [d, Σheads·dh] gradient `fused` into the TL-layout [heads, d, dh] gradients (null parts are skipped). */
export function unfuseHeadsInto(fused: FloatArray, parts: { target: FloatArray | null; heads: number }[], d: number, dh: number): void {
  const cols = parts.reduce((a, p) => a + p.heads, 0) * dh;
  let h0 = 0;
  for (const p of parts) {
    if (p.target) {
      const t = p.target;
      for (let h = 0; h < p.heads; h++)
        for (let i = 0; i < d; i++) {
          const dst = (h * d + i) * dh;
          const src = i * cols + (h0 + h) * dh;
          for (let j = 0; j < dh; j++) t[dst + j] += fused[src + j];
        }
    }
    h0 += p.heads;
  }
}

export class GradWeights {
  constructor(
    private readonly cfg: ModelConfig,
    private readonly weights: WeightMap,
    private readonly k: Kernels,
    private readonly cache: FusedWeightCache,
  ) {}

  private readonly converted = new Map<string, FloatArray>();

  has(name: string): boolean {
    return this.weights.has(name);
  }

  /** A weight's data, flat, in the kernels' precision. */
  get(name: string): FloatArray {
    const w = this.weights.get(name);
    if (!w) throw new Error(`internal: missing weight ${name}`);
    if (this.k.precision === 'float32') return w.data;
    let c = this.converted.get(name);
    if (!c) {
      c = Float64Array.from(w.data);
      this.converted.set(name, c);
    }
    return c;
  }

  optional(name: string): FloatArray | null {
    return this.weights.has(name) ? this.get(name) : null;
  }

  /** W_Q, W_K, W_V of a block as one [d, (H + 2K)·dh] matrix. */
  qkv(layer: number): FloatArray {
    const { dModel: d, dHead: dh, nHeads: H, nKvHeads: K } = this.cfg;
    const p = `blocks.${layer}.attn.`;
    const build = () => fuseHeads(this.k.alloc, [
      { data: this.get(p + 'W_Q'), heads: H }, { data: this.get(p + 'W_K'), heads: K }, { data: this.get(p + 'W_V'), heads: K },
    ], d, dh);
    if (this.k.precision === 'float64') return build();
    const src = ['W_Q', 'W_K', 'W_V'].map((n) => this.weights.get(p + n)!.data);
    return this.cache.get(`qkv.${layer}`, src, () => build() as Float32Array);
  }

  /** b_Q, b_K, b_V of a block concatenated, or null without attention biases. */
  qkvBias(layer: number): FloatArray | null {
    if (!this.cfg.attnBias) return null;
    const p = `blocks.${layer}.attn.`;
    const parts = ['b_Q', 'b_K', 'b_V'].map((n) => this.get(p + n));
    const out = this.k.alloc(parts.reduce((a, x) => a + x.length, 0));
    let o = 0;
    for (const x of parts) {
      out.set(x, o);
      o += x.length;
    }
    return out;
  }
}
