/**
 * TransformerLens-style weight processing, opt-in (marr's defaults are Hugging Face-faithful):
 * - `foldLayerNorm`: fold each norm's weight (and bias) into the weights that read its output, leaving
 *   the norm with unit weight and zero bias; outputs are unchanged.
 * - `centerWritingWeights` (LayerNorm models only): remove the mean over d_model from everything that
 *   writes to the residual stream (W_E, W_pos, W_O, b_O, W_out, b_out); LayerNorm removes it anyway.
 * - `centerUnembed`: remove the mean over the vocabulary from W_U and b_U; softmax is unchanged.
 *
 * `processedWeights(model, { foldLn, centerWriting, centerUnembed })` is the pure form: it returns a new
 * weight map and never touches the model (analyses use it); `processWeights` applies the same steps to
 * the model in place, through `setWeight`.
 */
import { tensor, type Float32Tensor } from '../tensor/tensor.js';
import type { ModelConfig } from './config.js';
import type { HookedTransformer } from './types.js';
import type { WeightMap } from './weights.js';

export interface ProcessWeightsOptions {
  foldLayerNorm?: boolean;
  centerWritingWeights?: boolean;
  centerUnembed?: boolean;
}

/** Scales row i of a [rows=d, ...] view by w[i] (reading weights are indexed by the input dimension). */
function foldInto(W: Float32Tensor, w: Float32Tensor, d: number, inputAxis: 0 | 1): Float32Tensor {
  // inputAxis 1: W is [heads, d, dh]; inputAxis 0: W is [d, cols].
  const out = W.data.slice();
  if (inputAxis === 0) {
    const cols = W.data.length / d;
    for (let i = 0; i < d; i++) for (let j = 0; j < cols; j++) out[i * cols + j] *= w.data[i];
  } else {
    const [H, , dh] = W.shape;
    for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let j = 0; j < dh; j++) out[(h * d + i) * dh + j] *= w.data[i];
  }
  return tensor(W.shape, out);
}

/** b @ W for a bias b [d] and a reading weight W ([d, cols] or [heads, d, dh]), shaped like W's output bias. */
function biasThrough(b: Float32Tensor, W: Float32Tensor, d: number, inputAxis: 0 | 1): Float32Array {
  if (inputAxis === 0) {
    const cols = W.data.length / d;
    const out = new Float32Array(cols);
    for (let i = 0; i < d; i++) for (let j = 0; j < cols; j++) out[j] += b.data[i] * W.data[i * cols + j];
    return out;
  }
  const [H, , dh] = W.shape;
  const out = new Float32Array(H * dh);
  for (let h = 0; h < H; h++) for (let i = 0; i < d; i++) for (let j = 0; j < dh; j++) out[h * dh + j] += b.data[i] * W.data[(h * d + i) * dh + j];
  return out;
}

function centerLastAxis(t: Float32Tensor): Float32Tensor {
  const n = t.shape[t.shape.length - 1];
  const out = t.data.slice();
  for (let r = 0; r < out.length; r += n) {
    let m = 0;
    for (let j = 0; j < n; j++) m += out[r + j];
    m /= n;
    for (let j = 0; j < n; j++) out[r + j] -= m;
  }
  return tensor(t.shape, out);
}

interface WeightAccess {
  get(name: string): Float32Tensor;
  has(name: string): boolean;
  set(name: string, value: Float32Tensor): void;
}

/** Applies TransformerLens weight processing in place to the model (through setWeight). */
export function processWeights(model: HookedTransformer, options: ProcessWeightsOptions): void {
  applyProcessing(model.config, { get: (n) => model.getWeight(n), has: (n) => model.weights.has(n), set: (n, t) => model.setWeight(n, t) }, options);
}

export interface ProcessedWeightsOptions {
  /** Fold every norm's weight and bias into the weights that read its output. */
  foldLn?: boolean;
  /** LayerNorm models: centre everything that writes to the residual stream over d_model. */
  centerWriting?: boolean;
  /** Centre W_U and b_U over the vocabulary. */
  centerUnembed?: boolean;
}

/**
 * The model's weights after TransformerLens processing, as a new map; the model and its tensors are
 * left untouched (each changed tensor is a new one; unchanged ones are shared). As in TransformerLens,
 * folding a final LayerNorm bias into a model without an unembedding bias creates a zero `unembed.b_U`
 * in the returned map.
 */
export function processedWeights(
  model: { readonly config: ModelConfig; readonly weights: WeightMap },
  options: ProcessedWeightsOptions,
): WeightMap {
  const out: WeightMap = new Map(model.weights);
  if (options.foldLn && out.has('ln_final.b') && !out.has('unembed.b_U')) {
    out.set('unembed.b_U', tensor([model.config.dVocab]));
  }
  const get = (n: string) => {
    const t = out.get(n);
    if (!t) throw new Error(`processedWeights: the model has no weight ${n}`);
    return t;
  };
  applyProcessing(model.config, { get, has: (n) => out.has(n), set: (n, t) => out.set(n, t) }, {
    foldLayerNorm: options.foldLn,
    centerWritingWeights: options.centerWriting,
    centerUnembed: options.centerUnembed,
  });
  return out;
}

function applyProcessing(cfg: ModelConfig, access: WeightAccess, options: ProcessWeightsOptions): void {
  const d = cfg.dModel;
  const { get, has, set } = access;
  const addBias = (name: string, extra: Float32Array) => {
    if (!has(name)) {
      throw new Error(`processWeights: folding a LayerNorm bias needs ${name}, which this model does not have`);
    }
    const b = get(name);
    const out = b.data.slice();
    for (let i = 0; i < out.length; i++) out[i] += extra[i];
    set(name, tensor(b.shape, out));
  };
  const resetNorm = (prefix: string) => {
    set(`${prefix}.w`, tensor([d], new Float32Array(d).fill(1)));
    if (has(`${prefix}.b`)) set(`${prefix}.b`, tensor([d]));
  };

  if (options.foldLayerNorm) {
    for (let l = 0; l < cfg.nLayers; l++) {
      const p = `blocks.${l}.`;
      const w1 = get(p + 'ln1.w');
      const b1 = has(p + 'ln1.b') ? get(p + 'ln1.b') : null;
      for (const [W, B] of [['W_Q', 'b_Q'], ['W_K', 'b_K'], ['W_V', 'b_V']] as const) {
        const Wt = get(p + 'attn.' + W);
        if (b1) addBias(p + 'attn.' + B, biasThrough(b1, Wt, d, 1));
        set(p + 'attn.' + W, foldInto(Wt, w1, d, 1));
      }
      resetNorm(p + 'ln1');
      const w2 = get(p + 'ln2.w');
      const b2 = has(p + 'ln2.b') ? get(p + 'ln2.b') : null;
      const Win = get(p + 'mlp.W_in');
      if (b2) addBias(p + 'mlp.b_in', biasThrough(b2, Win, d, 0));
      set(p + 'mlp.W_in', foldInto(Win, w2, d, 0));
      if (cfg.gatedMlp) {
        if (b2) throw new Error('processWeights: a gated MLP behind a biased LayerNorm is not supported');
        set(p + 'mlp.W_gate', foldInto(get(p + 'mlp.W_gate'), w2, d, 0));
      }
      resetNorm(p + 'ln2');
    }
    const wf = get('ln_final.w');
    const bf = has('ln_final.b') ? get('ln_final.b') : null;
    const WU = get('unembed.W_U');
    if (bf) {
      if (!has('unembed.b_U')) {
        throw new Error('processWeights: folding ln_final.b needs an unembedding bias; this model has none (load it with unembedBias or skip foldLayerNorm)');
      }
      addBias('unembed.b_U', biasThrough(bf, WU, d, 0));
    }
    set('unembed.W_U', foldInto(WU, wf, d, 0));
    resetNorm('ln_final');
  }

  if (options.centerWritingWeights) {
    if (cfg.normType !== 'layernorm') {
      throw new Error('processWeights: centerWritingWeights needs LayerNorm (RMSNorm does not remove the mean); drop that option for this model');
    }
    const writers = ['embed.W_E', 'pos_embed.W_pos'];
    for (let l = 0; l < cfg.nLayers; l++) writers.push(`blocks.${l}.attn.W_O`, `blocks.${l}.attn.b_O`, `blocks.${l}.mlp.W_out`, `blocks.${l}.mlp.b_out`);
    for (const n of writers) if (has(n)) set(n, centerLastAxis(get(n)));
  }

  if (options.centerUnembed) {
    set('unembed.W_U', centerLastAxis(get('unembed.W_U')));
    if (has('unembed.b_U')) set('unembed.b_U', centerLastAxis(get('unembed.b_U')));
  }
}
