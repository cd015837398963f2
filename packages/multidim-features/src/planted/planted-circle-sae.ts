/**
 * A planted ground truth for multidim-features: an SAE on a model's token embeddings (blocks.0.hook_resid_pre
 * of a model without learned positions, where the activation is exactly W_E[token]) with one feature per
 * name (the days of the week, say) whose decoder directions lie on a circle in a random 2-D subspace,
 * plus `extra` features with random directions that fire on other tokens. Feature j fires only on the
 * token of name j (its encoder reads that token's embedding, its bias sits halfway between that token's
 * projection and the largest of the other tokens'), so the circle features form one graph cluster
 * (neighbours on a circle of p points have cosine similarity cos 2π/p > 0.5 for p ≥ 7) whose
 * reconstructions are p points on a circle.
 */
import { createRng, MarrUsageError, type HookedTransformer } from '@marr/core';
import { createSae, makeSaeConfig, type Sae } from '@marr/sae';

export interface PlantedCircleSae {
  sae: Sae;
  /** The planted circle's features (0..p − 1, in name order). */
  circleFeatures: number[];
  /** The names' token ids. */
  nameTokens: number[];
}

export function plantedCircleSae(model: HookedTransformer, names: readonly string[], options: { extra?: number; seed?: number } = {}): PlantedCircleSae {
  const W_E = model.getWeight('W_E');
  const [V, d] = W_E.shape;
  if (model.config.positional !== 'rotary') throw new MarrUsageError('plantedCircleSae needs a model whose first residual stream is the token embedding alone (rotary positions)');
  const extra = options.extra ?? 57;
  const rng = createRng(options.seed ?? 0);
  const p = names.length;
  const dSae = p + extra;
  const nameTokens = names.map((n) => model.toSingleToken(n));
  const unit = (v: Float64Array) => { const s = Math.hypot(...v); return v.map((x) => x / s); };
  // Orthonormal u, v for the circle.
  const u = unit(Float64Array.from({ length: d }, () => rng.normal()));
  let v = Float64Array.from({ length: d }, () => rng.normal());
  const uv = v.reduce((s, x, j) => s + x * u[j], 0);
  v = unit(v.map((x, j) => x - uv * u[j]));
  const W_dec = new Float32Array(dSae * d), W_enc = new Float32Array(d * dSae), b_enc = new Float32Array(dSae);
  const setFeature = (f: number, dec: Float64Array, enc: Float64Array, onToken: number | null) => {
    for (let j = 0; j < d; j++) {
      W_dec[f * d + j] = dec[j];
      W_enc[j * dSae + f] = enc[j];
    }
    // Projections of every token's embedding on the encoder direction.
    const proj = new Float64Array(V);
    for (let y = 0; y < V; y++) for (let j = 0; j < d; j++) proj[y] += W_E.data[y * d + j] * enc[j];
    if (onToken !== null) {
      let other = -Infinity;
      for (let y = 0; y < V; y++) if (y !== onToken) other = Math.max(other, proj[y]);
      if (!(proj[onToken] > other)) throw new Error(`plantedCircleSae: the embedding of token ${onToken} cannot be told apart linearly in this direction`);
      b_enc[f] = -(proj[onToken] + other) / 2;
    } else {
      // Random features fire on the top 2% of tokens.
      const sorted = Array.from(proj).sort((a, b) => b - a);
      b_enc[f] = -sorted[Math.max(0, Math.floor(0.02 * V))];
    }
  };
  names.forEach((_, k) => {
    const t = (2 * Math.PI * k) / p;
    const dec = u.map((x, j) => Math.cos(t) * x + Math.sin(t) * v[j]);
    // Encoder: the name token's embedding minus the mean embedding (so it stands out), unit length.
    const enc = new Float64Array(d);
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let y = 0; y < V; y++) m += W_E.data[y * d + j] / V;
      enc[j] = W_E.data[nameTokens[k] * d + j] - m;
    }
    setFeature(k, dec, unit(enc), nameTokens[k]);
  });
  for (let f = p; f < dSae; f++) setFeature(f, unit(Float64Array.from({ length: d }, () => rng.normal())), unit(Float64Array.from({ length: d }, () => rng.normal())), null);
  const cfg = makeSaeConfig({ architecture: 'standard', dIn: d, dSae, hookName: 'blocks.0.hook_resid_pre', applyBDecToInput: false });
  const sae = createSae(cfg, {
    W_enc: { dtype: 'float32', shape: [d, dSae], data: W_enc },
    b_enc: { dtype: 'float32', shape: [dSae], data: b_enc },
    W_dec: { dtype: 'float32', shape: [dSae, d], data: W_dec },
    b_dec: { dtype: 'float32', shape: [d], data: new Float32Array(d) },
  });
  return { sae, circleFeatures: names.map((_, k) => k), nameTokens };
}
