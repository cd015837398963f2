/**
 * A sparse autoencoder's forward maths, as SAELens computes it:
 *
 *   sae_in  = norm_in(x) - b_dec * apply_b_dec_to_input
 *   pre     = sae_in · W_enc + b_enc                         [rows, d_sae]
 *   latents = relu(pre)                                      (standard)
 *           = pre where pre > threshold (and > 0), else 0    (jumprelu)
 *           = relu of the k largest of pre (· ‖W_dec row‖ when rescale_acts_by_decoder_norm), others 0   (topk)
 *   x̂       = norm_out(latents · W_dec + b_dec)             (latents / ‖W_dec row‖ first when rescaling)
 *
 * Products run on core's shared backend (`matmul`). Inputs are [rows, d_in] (any leading axes are
 * flattened and restored).
 */
import { matmul, type Float32Tensor } from '@marr/core';
import type { SaeConfig } from './format/config.js';

export interface SaeWeights {
  /** [d_in, d_sae] */
  W_enc: Float32Tensor;
  /** [d_sae] */
  b_enc: Float32Tensor;
  /** [d_sae, d_in] */
  W_dec: Float32Tensor;
  /** [d_in] */
  b_dec: Float32Tensor;
  /** [d_sae], jumprelu only. */
  threshold?: Float32Tensor;
}

/** Per-row statistics of the input normalisation, needed to undo it after decoding. */
export interface InputNorm {
  /** Per-row multiplier applied to the (centred) input. */
  scale: Float32Array;
  /** Per-row mean subtracted first (layer_norm), else null. */
  mean: Float32Array | null;
}

export interface DecodeOptions {
  /** The input the latents were encoded from: needed when the SAE normalises each row (constant_norm_rescale, layer_norm). */
  input?: Float32Tensor;
}

export interface Sae {
  readonly cfg: SaeConfig;
  readonly weights: SaeWeights;
  /** Latents [rows, d_sae] for activations [rows, d_in]. */
  encode(acts: Float32Tensor): Promise<Float32Tensor>;
  /** Pre-activations [rows, d_sae] (before the sparsifying nonlinearity). */
  encodePre(acts: Float32Tensor): Promise<Float32Tensor>;
  /** Reconstruction [rows, d_in] from latents [rows, d_sae]. */
  decode(latents: Float32Tensor, options?: DecodeOptions): Promise<Float32Tensor>;
  /** decode(encode(acts)). */
  forward(acts: Float32Tensor): Promise<Float32Tensor>;
}

/** Checks that the weights have the shapes the config implies. */
export function checkSaeWeights(cfg: SaeConfig, w: SaeWeights, where = 'SAE'): void {
  const { dIn, dSae } = cfg;
  const want: [keyof SaeWeights, number[]][] = [['W_enc', [dIn, dSae]], ['b_enc', [dSae]], ['W_dec', [dSae, dIn]], ['b_dec', [dIn]]];
  if (cfg.architecture === 'jumprelu') want.push(['threshold', [dSae]]);
  for (const [name, shape] of want) {
    const t = w[name];
    if (!t) throw new Error(`${where}: the weights have no ${name} (a ${cfg.architecture} SAE needs ${want.map((x) => x[0]).join(', ')})`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`${where}: ${name} has shape [${t.shape.join(', ')}] but cfg.json (d_in=${dIn}, d_sae=${dSae}) implies [${shape.join(', ')}]; the cfg does not match the weights`);
    }
  }
}

/** Rows and the trailing axis of an input, checked against the expected width. */
function asRows(t: Float32Tensor, width: number, what: string): { rows: number; lead: number[] } {
  if (t.dtype !== 'float32' || t.shape.length < 1 || t.shape[t.shape.length - 1] !== width) {
    throw new RangeError(`${what}: expected a float tensor [rows, ${width}], got ${t.dtype} [${t.shape.join(', ')}]`);
  }
  const lead = t.shape.slice(0, -1);
  return { rows: lead.reduce((a, b) => a * b, 1), lead };
}

const tensorOf = (shape: number[], data: Float32Array): Float32Tensor => ({ dtype: 'float32', shape, data });

/** Normalises rows in place per the config; returns what undoing it needs (null when nothing per-row). */
export function normalizeRowsInPlace(cfg: SaeConfig, x: Float32Array, rows: number): InputNorm | null {
  const d = cfg.dIn;
  if (cfg.normalizeActivations === 'constant_norm_rescale') {
    const scale = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let ss = 0;
      for (let j = 0; j < d; j++) ss += x[r * d + j] ** 2;
      const s = Math.sqrt(d) / Math.sqrt(ss);
      scale[r] = s;
      for (let j = 0; j < d; j++) x[r * d + j] *= s;
    }
    return { scale, mean: null };
  }
  if (cfg.normalizeActivations === 'layer_norm') {
    const scale = new Float32Array(rows);
    const mean = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += x[r * d + j];
      const mu = sum / d;
      let ss = 0;
      for (let j = 0; j < d; j++) ss += (x[r * d + j] - mu) ** 2;
      const std = Math.sqrt(ss / (d - 1)); // torch.std is unbiased
      const s = 1 / (std + 1e-5);
      mean[r] = mu;
      scale[r] = s;
      for (let j = 0; j < d; j++) x[r * d + j] = (x[r * d + j] - mu) * s;
    }
    return { scale, mean };
  }
  return null;
}

/** Undoes `normalizeRowsInPlace` on reconstructions in place. */
export function denormalizeRowsInPlace(norm: InputNorm, y: Float32Array, d: number): void {
  const rows = norm.scale.length;
  for (let r = 0; r < rows; r++) {
    const s = norm.scale[r];
    const mu = norm.mean ? norm.mean[r] : 0;
    for (let j = 0; j < d; j++) y[r * d + j] = y[r * d + j] / s + mu;
  }
}

/** L2 norm of each decoder row. */
export function decoderRowNorms(w: SaeWeights, dSae: number, dIn: number): Float32Array {
  const out = new Float32Array(dSae);
  const W = w.W_dec.data;
  for (let i = 0; i < dSae; i++) {
    let ss = 0;
    for (let j = 0; j < dIn; j++) ss += W[i * dIn + j] ** 2;
    out[i] = Math.sqrt(ss);
  }
  return out;
}

/**
 * Keeps, in each row of `pre` [rows, n], the k largest values passed through relu and zeroes the rest,
 * in place. Ties go to the lower index (deterministic). Returns `pre`.
 */
export function topKInPlace(pre: Float32Array, rows: number, n: number, k: number): Float32Array {
  const idx = new Int32Array(k);
  const val = new Float32Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    // a min-heap of the k best (value, index) so far; "worse" = smaller value, or equal value with larger index
    let size = 0;
    const worse = (a: number, b: number) => val[a] < val[b] || (val[a] === val[b] && idx[a] > idx[b]);
    const swap = (a: number, b: number) => {
      const ti = idx[a]; idx[a] = idx[b]; idx[b] = ti;
      const tv = val[a]; val[a] = val[b]; val[b] = tv;
    };
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1, rr = l + 1;
        let m = i;
        if (l < size && worse(l, m)) m = l;
        if (rr < size && worse(rr, m)) m = rr;
        if (m === i) return;
        swap(i, m);
        i = m;
      }
    };
    for (let j = 0; j < n; j++) {
      const v = pre[o + j];
      if (size < k) {
        idx[size] = j; val[size] = v; size++;
        for (let i = size - 1; i > 0;) {
          const p = (i - 1) >> 1;
          if (!worse(i, p)) break;
          swap(i, p);
          i = p;
        }
      } else if (v > val[0]) {
        idx[0] = j; val[0] = v;
        siftDown(0);
      }
    }
    pre.fill(0, o, o + n);
    for (let i = 0; i < size; i++) if (val[i] > 0) pre[o + idx[i]] = val[i];
  }
  return pre;
}

/** Applies the architecture's nonlinearity to pre-activations in place. */
export function activateInPlace(cfg: SaeConfig, w: SaeWeights, pre: Float32Array, rows: number, rowNorms?: Float32Array): Float32Array {
  const n = cfg.dSae;
  if (cfg.architecture === 'standard') {
    for (let i = 0; i < pre.length; i++) if (!(pre[i] > 0)) pre[i] = 0;
  } else if (cfg.architecture === 'jumprelu') {
    const th = w.threshold!.data;
    for (let r = 0; r < rows; r++) {
      const o = r * n;
      for (let j = 0; j < n; j++) {
        const v = pre[o + j];
        if (!(v > th[j] && v > 0)) pre[o + j] = 0;
      }
    }
  } else {
    if (cfg.rescaleActsByDecoderNorm) {
      const norms = rowNorms ?? decoderRowNorms(w, n, cfg.dIn);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) pre[r * n + j] *= norms[j];
    }
    topKInPlace(pre, rows, n, cfg.k!);
  }
  return pre;
}

class SaeModel implements Sae {
  constructor(readonly cfg: SaeConfig, readonly weights: SaeWeights) {
    checkSaeWeights(cfg, weights);
  }

  private async pre(acts: Float32Tensor): Promise<{ pre: Float32Array; rows: number; lead: number[]; norm: InputNorm | null }> {
    const { dIn, dSae } = this.cfg;
    const { rows, lead } = asRows(acts, dIn, 'sae.encode');
    const x = acts.data.slice();
    const norm = normalizeRowsInPlace(this.cfg, x, rows);
    if (this.cfg.applyBDecToInput) {
      const b = this.weights.b_dec.data;
      for (let r = 0; r < rows; r++) for (let j = 0; j < dIn; j++) x[r * dIn + j] -= b[j];
    }
    const h = await matmul(tensorOf([rows, dIn], x), this.weights.W_enc);
    const pre = h.data;
    const be = this.weights.b_enc.data;
    for (let r = 0; r < rows; r++) for (let j = 0; j < dSae; j++) pre[r * dSae + j] += be[j];
    return { pre, rows, lead, norm };
  }

  async encodePre(acts: Float32Tensor): Promise<Float32Tensor> {
    const { pre, lead } = await this.pre(acts);
    return tensorOf([...lead, this.cfg.dSae], pre);
  }

  async encode(acts: Float32Tensor): Promise<Float32Tensor> {
    const { pre, rows, lead } = await this.pre(acts);
    return tensorOf([...lead, this.cfg.dSae], activateInPlace(this.cfg, this.weights, pre, rows));
  }

  async decode(latents: Float32Tensor, options: DecodeOptions = {}): Promise<Float32Tensor> {
    const { dIn, dSae } = this.cfg;
    const { rows, lead } = asRows(latents, dSae, 'sae.decode');
    let z = latents;
    if (this.cfg.rescaleActsByDecoderNorm) {
      const norms = decoderRowNorms(this.weights, dSae, dIn);
      const d = latents.data.slice();
      for (let r = 0; r < rows; r++) for (let j = 0; j < dSae; j++) d[r * dSae + j] /= norms[j];
      z = tensorOf([rows, dSae], d);
    }
    const y = (await matmul(tensorOf([rows, dSae], z.data), this.weights.W_dec)).data;
    const b = this.weights.b_dec.data;
    for (let r = 0; r < rows; r++) for (let j = 0; j < dIn; j++) y[r * dIn + j] += b[j];
    const perRow = this.cfg.normalizeActivations === 'constant_norm_rescale' || this.cfg.normalizeActivations === 'layer_norm';
    if (perRow) {
      if (!options.input) {
        throw new Error(`sae.decode: this SAE normalises each input row (normalize_activations "${this.cfg.normalizeActivations}"), so decode needs the input it encoded: decode(latents, { input }) or forward(input)`);
      }
      const { rows: inRows } = asRows(options.input, dIn, 'sae.decode input');
      if (inRows !== rows) throw new RangeError(`sae.decode: input has ${inRows} rows but latents have ${rows}`);
      const x = options.input.data.slice();
      const norm = normalizeRowsInPlace(this.cfg, x, rows)!;
      denormalizeRowsInPlace(norm, y, dIn);
    }
    return tensorOf([...lead, dIn], y);
  }

  async forward(acts: Float32Tensor): Promise<Float32Tensor> {
    return this.decode(await this.encode(acts), { input: acts });
  }
}

/** An SAE over the given config and weights (shapes checked). */
export function createSae(cfg: SaeConfig, weights: SaeWeights): Sae {
  return new SaeModel(cfg, weights);
}

