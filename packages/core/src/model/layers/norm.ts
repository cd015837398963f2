/**
 * LayerNorm and RMSNorm with TransformerLens hooks: `hook_scale` (the divisor, [batch, seq, 1]) can be
 * read or replaced (e.g. frozen to a clean run's value), and `hook_normalized` is the output after the
 * affine weights.
 */
import { tensor, type Float32Tensor } from '../../tensor/tensor.js';
import type { LayerContext } from './context.js';

export function norm(
  ctx: LayerContext,
  x: Float32Tensor,
  prefix: 'ln1' | 'ln2' | 'ln_final',
  blockPrefix: string,
  hookCtx: { position: number | null; layer: number | null },
): Float32Tensor {
  const { cfg } = ctx;
  const wName = prefix === 'ln_final' ? 'ln_final' : `blocks.${hookCtx.layer}.${prefix}`;
  const w = ctx.weight(`${wName}.w`);
  const b = cfg.normType === 'layernorm' ? ctx.optionalWeight(`${wName}.b`) : undefined;
  const n = cfg.dModel;
  const rows = x.data.length / n;
  const centered = cfg.normType === 'layernorm' ? new Float32Array(x.data.length) : x.data;
  const sc = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    if (cfg.normType === 'layernorm') {
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
  const base = prefix === 'ln_final' ? 'ln_final' : `${blockPrefix}${prefix}`;
  const scale = ctx.hooks.point(`${base}.hook_scale`, tensor([...x.shape.slice(0, -1), 1], sc), hookCtx);
  const out = new Float32Array(x.data.length);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    const inv = 1 / scale.data[r];
    for (let j = 0; j < n; j++) out[o + j] = centered[o + j] * inv * w.data[j] + (b ? b.data[j] : 0);
  }
  return ctx.hooks.point(`${base}.hook_normalized`, tensor(x.shape, out), hookCtx);
}
