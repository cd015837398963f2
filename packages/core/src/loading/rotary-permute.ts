/**
 * Converting query/key weights between the two rotary conventions.
 *
 * llama2.c (and Meta's original code) rotate coordinate pairs (2i, 2i+1) of each head; Hugging Face Llama
 * rotates (i, i + dHead/2). Reordering the output coordinates of W_Q and W_K (and their biases) from
 * [0, 1, 2, 3, ...] to [0, 2, 4, ..., 1, 3, 5, ...] turns one into the other; this is what `permute` in
 * HF's convert_llama_weights_to_hf.py does. Attention scores are unchanged because q and k are permuted alike.
 */
import { tensor, type Float32Tensor } from '../tensor/tensor.js';

function permuteLastAxis(t: Float32Tensor, rotaryDim: number, toHalf: boolean): Float32Tensor {
  const dh = t.shape[t.shape.length - 1];
  if (rotaryDim % 2 !== 0 || rotaryDim > dh) throw new Error(`rotary permutation: rotaryDim ${rotaryDim} must be even and at most dHead ${dh}`);
  const half = rotaryDim / 2;
  const rows = t.data.length / dh;
  const out = t.data.slice();
  for (let r = 0; r < rows; r++) {
    const base = r * dh;
    for (let i = 0; i < half; i++) {
      for (let p = 0; p < 2; p++) {
        const halfPos = base + p * half + i; // position in the `half` layout
        const interPos = base + 2 * i + p; // position in the `interleaved` layout
        if (toHalf) out[halfPos] = t.data[interPos];
        else out[interPos] = t.data[halfPos];
      }
    }
  }
  return tensor(t.shape, out);
}

/** W_Q/W_K ([heads, dModel, dHead]) or b_Q/b_K ([heads, dHead]) from interleaved to half rotary pairs. */
export function interleavedToHalf(t: Float32Tensor, rotaryDim = t.shape[t.shape.length - 1]): Float32Tensor {
  return permuteLastAxis(t, rotaryDim, true);
}

/** The inverse of interleavedToHalf. */
export function halfToInterleaved(t: Float32Tensor, rotaryDim = t.shape[t.shape.length - 1]): Float32Tensor {
  return permuteLastAxis(t, rotaryDim, false);
}
