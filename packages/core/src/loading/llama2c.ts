/**
 * llama2.c checkpoints (karpathy/llama2.c `run.c`, legacy "version 0" export).
 *
 * Layout: 7 little-endian int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len; a
 * negative vocab_size means the classifier is stored separately), then float32 arrays: token embedding
 * [vocab, dim], attention RMS weights [L, dim], wq [L, dim, dim], wk and wv [L, kv_dim, dim], wo [L, dim, dim],
 * FFN RMS weights [L, dim], w1 [L, hidden, dim], w2 [L, dim, hidden], w3 [L, hidden, dim], final RMS [dim],
 * two legacy RoPE tables [seq_len, head_size/2] (skipped), and the classifier [vocab, dim] when unshared.
 * Matrices are out-major (`run.c` computes xout[i] = sum_j w[i*n + j] x[j]); the MLP is w2(silu(w1 x) * w3 x).
 */
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { validateConfig, type ModelConfig } from '../model/config.js';
import { validateWeights, type WeightMap } from '../model/weights.js';
import { MAX_TENSOR_ELEMENTS, tensor, type Float32Tensor } from '../tensor/tensor.js';
import { contiguousHeads, gatherHeadsIn, outputProjection, transpose2d } from './layout.js';
import { isPickleBytes } from './pickle-guard.js';
import { rejectPickle } from './safetensors.js';

export const LLAMA2C_HEADER_BYTES = 28;

export interface Llama2cHeader {
  dim: number;
  hiddenDim: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  vocabSize: number;
  sharedClassifier: boolean;
  seqLen: number;
}

/** Number of float32 values the header implies after the 28-byte header. */
export function llama2cFloatCount(h: Llama2cHeader): number {
  const headSize = h.dim / h.nHeads;
  const kvDim = headSize * h.nKvHeads;
  const L = h.nLayers;
  return (
    h.vocabSize * h.dim +
    L * h.dim +
    L * h.dim * h.dim +
    2 * L * h.dim * kvDim +
    L * h.dim * h.dim +
    L * h.dim +
    3 * L * h.dim * h.hiddenDim +
    h.dim +
    h.seqLen * headSize + // two RoPE tables of seq_len x head_size/2
    (h.sharedClassifier ? 0 : h.vocabSize * h.dim)
  );
}

/** Parses and checks the 7-int32 header against the file size. */
export function parseLlama2cHeader(path: string, head: Uint8Array, fileSize: number): Llama2cHeader {
  if (fileSize < LLAMA2C_HEADER_BYTES) {
    throw new Error(`llama2.c checkpoint ${path}: ${fileSize} bytes, fewer than the 28-byte header; the file is truncated or not a llama2.c checkpoint`);
  }
  if (isPickleBytes(head)) rejectPickle(path);
  const view = new DataView(head.buffer, head.byteOffset, LLAMA2C_HEADER_BYTES);
  const magic = view.getUint32(0, true);
  if (magic === 0x616b3432) {
    throw new Error(`llama2.c checkpoint ${path}: this is a versioned export ("ak42" magic, export.py --version 1 or 2); marr reads the legacy version-0 format (export.py --version 0, the default of run.c)`);
  }
  const ints = Array.from({ length: 7 }, (_, i) => view.getInt32(i * 4, true));
  const [dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabRaw, seqLen] = ints;
  const h: Llama2cHeader = { dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize: Math.abs(vocabRaw), sharedClassifier: vocabRaw > 0, seqLen };
  const bad = (why: string): never => {
    throw new Error(`llama2.c checkpoint ${path}: implausible header [${ints.join(', ')}] (${why}); the file is corrupt or not a llama2.c checkpoint`);
  };
  for (const [k, v] of Object.entries({ dim, hiddenDim, nLayers, nHeads, nKvHeads, seqLen })) if (v <= 0) bad(`${k} must be positive`);
  if (vocabRaw === 0) bad('vocab_size is 0');
  if (dim % nHeads !== 0) bad(`dim ${dim} is not a multiple of n_heads ${nHeads}`);
  if (nHeads % nKvHeads !== 0) bad(`n_heads ${nHeads} is not a multiple of n_kv_heads ${nKvHeads}`);
  if ((dim / nHeads) % 2 !== 0) bad(`head size ${dim / nHeads} is odd, which RoPE cannot rotate`);
  for (const n of [h.vocabSize * dim, nLayers * dim * dim, nLayers * dim * hiddenDim]) if (n > MAX_TENSOR_ELEMENTS) bad('a weight matrix would exceed marr\'s tensor size limit');
  const expected = LLAMA2C_HEADER_BYTES + 4 * llama2cFloatCount(h);
  if (fileSize !== expected) {
    const what =
      fileSize < expected
        ? `is truncated: the header implies ${expected} bytes but the file has ${fileSize}`
        : `has ${fileSize - expected} bytes more than the ${expected} its header implies (garbage at the end, or a different format)`;
    throw new Error(`llama2.c checkpoint ${path} ${what}. Header: dim=${dim} hidden_dim=${hiddenDim} n_layers=${nLayers} n_heads=${nHeads} n_kv_heads=${nKvHeads} vocab_size=${vocabRaw} seq_len=${seqLen}`);
  }
  return h;
}

/** The ModelConfig of a llama2.c header: RMSNorm eps 1e-5, SwiGLU, interleaved RoPE (base 10000), BOS 1, EOS 2. */
export function llama2cConfig(h: Llama2cHeader, name?: string): ModelConfig {
  const dHead = h.dim / h.nHeads;
  return validateConfig(
    {
      architecture: 'llama',
      nLayers: h.nLayers,
      dModel: h.dim,
      nHeads: h.nHeads,
      nKvHeads: h.nKvHeads,
      dHead,
      dMlp: h.hiddenDim,
      dVocab: h.vocabSize,
      nCtx: h.seqLen,
      normType: 'rmsnorm',
      normEps: 1e-5,
      act: 'silu',
      gatedMlp: true,
      positional: 'rotary',
      rotaryDim: dHead,
      rotaryBase: 10000,
      rotaryStyle: 'interleaved',
      parallelAttnMlp: false,
      attnBias: false,
      mlpBias: false,
      unembedBias: false,
      tiedEmbeddings: h.sharedClassifier,
      bosTokenId: 1,
      eosTokenId: 2,
      name,
    },
    'llama2.c header',
  );
}

export interface Llama2cModel {
  header: Llama2cHeader;
  config: ModelConfig;
  weights: WeightMap;
}

/** Parses a whole llama2.c checkpoint held in memory. */
export function parseLlama2c(path: string, bytes: Uint8Array): Llama2cModel {
  const header = parseLlama2cHeader(path, bytes, bytes.length);
  const config = llama2cConfig(header, basename(path).replace(/\.bin$/, ''));
  const floats = new Float32Array(llama2cFloatCount(header));
  new Uint8Array(floats.buffer).set(bytes.subarray(LLAMA2C_HEADER_BYTES)); // copy: alignment and ownership
  let pos = 0;
  const take = (shape: number[]): Float32Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    const t = tensor(shape, floats.subarray(pos, pos + n));
    pos += n;
    return t;
  };
  const { dim: d, hiddenDim: f, nLayers: L, nHeads: H, nKvHeads: K, vocabSize: V, seqLen } = header;
  const dh = d / H;
  const layers = (shape: number[]): Float32Tensor[] => Array.from({ length: L }, () => take(shape));
  const embedding = take([V, d]);
  const rmsAtt = layers([d]);
  const wq = layers([H * dh, d]);
  const wk = layers([K * dh, d]);
  const wv = layers([K * dh, d]);
  const wo = layers([d, H * dh]);
  const rmsFfn = layers([d]);
  const w1 = layers([f, d]);
  const w2 = layers([d, f]);
  const w3 = layers([f, d]);
  const rmsFinal = take([d]);
  pos += seqLen * dh; // the legacy freq_cis_real and freq_cis_imag tables
  const classifier = header.sharedClassifier ? embedding : take([V, d]);
  const heads = contiguousHeads(dh);
  const weights: WeightMap = new Map();
  weights.set('embed.W_E', tensor([V, d], embedding.data.slice()));
  for (let l = 0; l < L; l++) {
    const b = `blocks.${l}.`;
    weights.set(b + 'ln1.w', tensor([d], rmsAtt[l].data.slice()));
    weights.set(b + 'attn.W_Q', gatherHeadsIn(wq[l], H, dh, heads, true, `${path} wq`));
    weights.set(b + 'attn.W_K', gatherHeadsIn(wk[l], K, dh, heads, true, `${path} wk`));
    weights.set(b + 'attn.W_V', gatherHeadsIn(wv[l], K, dh, heads, true, `${path} wv`));
    weights.set(b + 'attn.W_O', outputProjection(wo[l], H, dh, true, `${path} wo`));
    weights.set(b + 'ln2.w', tensor([d], rmsFfn[l].data.slice()));
    weights.set(b + 'mlp.W_gate', transpose2d(w1[l]));
    weights.set(b + 'mlp.W_in', transpose2d(w3[l]));
    weights.set(b + 'mlp.W_out', transpose2d(w2[l]));
  }
  weights.set('ln_final.w', tensor([d], rmsFinal.data.slice()));
  weights.set('unembed.W_U', transpose2d(classifier));
  validateWeights(config, weights, path);
  return { header, config, weights };
}

/** Reads a llama2.c checkpoint file; the size is checked against the header before the weights are read. */
export async function readLlama2c(path: string): Promise<Llama2cModel> {
  if (/\.(pt|pth|ckpt)$/i.test(path)) {
    throw new Error(`${path} looks like a PyTorch checkpoint; marr never unpickles files. Export it with llama2.c's export.py (--version 0) or convert it to safetensors`);
  }
  const { size } = await stat(path);
  const head = new Uint8Array(LLAMA2C_HEADER_BYTES);
  if (size >= LLAMA2C_HEADER_BYTES) {
    const fh = await open(path, 'r');
    try {
      await fh.read(head, 0, LLAMA2C_HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
  }
  parseLlama2cHeader(path, head, size); // validates before the (possibly large) read
  return parseLlama2c(path, new Uint8Array(await readFile(path)));
}
