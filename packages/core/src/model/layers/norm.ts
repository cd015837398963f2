/**
 * LayerNorm and RMSNorm with TransformerLens hooks: `hook_scale` (the divisor, [batch, seq, 1]) can be
 * read or replaced (e.g. frozen to a clean run's value), and `hook_normalized` is the output after the
 * affine weights.
 */
import { tensor, type Float32Tensor } from '../../tensor/tensor.js';
import type { ModelConfig } from '../config.js';
import type { LayerContext } from './context.js';

export type NormName = 'ln1' | 'ln2' | 'ln_final';

/** The norm's input, centred for LayerNorm, and its divisor sqrt(var + eps) (or the RMS), one per row. */
export function normDivisor(cfg: ModelConfig, x: Float32Tensor): { centered: Float32Array; scale: Float32Tensor } {
  const n = cfg.dModel;
  const rows = x.data.length / n;
  const layer = cfg.normType === 'layernorm';
  const centered = layer ? new Float32Array(x.data.length) : x.data;
  const sc = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    if (layer) {
      let mean = 0;
      for (let j = 0; j < n; j++) mean += x.data[o + j];
      mean /= n;
      let v = 0;
      for (let j = 0; j < n; j++) {
        const c = x.data[o + j] - mean;
        centered[o + j] = c;
        v += c * c;
      }
      sc[r] = Math.sqrt(v / n + cfg.normEps);
    } else {
      let ss = 0;
      for (let j = 0; j < n; j++) ss += x.data[o + j] * x.data[o + j];
      sc[r] = Math.sqrt(ss / n + cfg.normEps);
    }
  }
  return { centered, scale: tensor([...x.shape.slice(0, -1), 1], sc) };
}

/** centered / scale * w + b, row by row. */
export function applyNormWeights(shape: readonly number[], centered: Float32Array, scale: Float32Tensor, w: Float32Tensor, b: Float32Tensor | undefined): Float32Tensor {
  const n = w.data.length;
  const rows = centered.length / n;
  if (scale.data.length !== rows) throw new RangeError(`norm scale: expected ${rows} values ([${[...shape.slice(0, -1), 1]}]) but got shape [${scale.shape}]`);
  const out = new Float32Array(centered.length);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    const inv = 1 / scale.data[r];
    for (let j = 0; j < n; j++) out[o + j] = centered[o + j] * inv * w.data[j] + (b ? b.data[j] : 0);
  }
  return tensor(shape, out);
}

/** The weight-name prefix of a norm in a block (or the final norm). */
export function normWeightPrefix(name: NormName, layer: number | null): string {
  return name === 'ln_final' ? 'ln_final' : `blocks.${layer}.${name}`;
}

/** A norm without hooks: the scale recomputed, or the given (frozen) one. */
export function applyNorm(ctx: Pick<LayerContext, 'cfg' | 'weight' | 'optionalWeight'>, x: Float32Tensor, name: NormName, layer: number | null, frozenScale?: Float32Tensor): Float32Tensor {
  const p = normWeightPrefix(name, layer);
  const { centered, scale } = normDivisor(ctx.cfg, x);
  const b = ctx.cfg.normType === 'layernorm' ? ctx.optionalWeight(`${p}.b`) : undefined;
  return applyNormWeights(x.shape, centered, frozenScale ?? scale, ctx.weight(`${p}.w`), b);
}

export async function norm(
  ctx: LayerContext,
  x: Float32Tensor,
  name: NormName,
  blockPrefix: string,
  at: { slot: number | null; layer: number | null },
): Promise<Float32Tensor> {
  const p = normWeightPrefix(name, at.layer);
  const { centered, scale } = normDivisor(ctx.cfg, x);
  const base = name === 'ln_final' ? 'ln_final' : `${blockPrefix}${name}`;
  const s = await ctx.hooks.point(`${base}.hook_scale`, scale, at);
  const b = ctx.cfg.normType === 'layernorm' ? ctx.optionalWeight(`${p}.b`) : undefined;
  const out = applyNormWeights(x.shape, centered, s, ctx.weight(`${p}.w`), b);
  return ctx.hooks.point(`${base}.hook_normalized`, out, at);
}
