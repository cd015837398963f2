/**
 * Normalises token input (single sequence, batch, or an int tensor) and builds positions and masks.
 */
import { intTensor, tensor, type Float32Tensor, type Int32Tensor } from '../tensor/tensor.js';
import { MASKED } from '../backend/backend.js';
import type { TokenInput } from './types.js';

export interface PreparedInput {
  tokens: Int32Tensor;
  /** [batch, seq], 1 for real tokens. */
  mask: Uint8Array;
  batch: number;
  seq: number;
}

export function prepareTokens(input: TokenInput, attentionMask: readonly (readonly number[])[] | undefined, dVocab: number): PreparedInput {
  let rows: number[][];
  if ((input as Int32Tensor).dtype === 'int32') {
    const t = input as Int32Tensor;
    if (t.shape.length === 1) rows = [Array.from(t.data)];
    else if (t.shape.length === 2) {
      rows = [];
      for (let b = 0; b < t.shape[0]; b++) rows.push(Array.from(t.data.subarray(b * t.shape[1], (b + 1) * t.shape[1])));
    } else throw new RangeError(`tokens: expected shape [seq] or [batch, seq], got [${t.shape}]`);
  } else if (Array.isArray(input) && input.length > 0 && Array.isArray(input[0])) {
    rows = (input as number[][]).map((r) => [...r]);
  } else {
    rows = [[...(input as number[])]];
  }
  if (rows.length === 0 || rows[0].length === 0) throw new RangeError('tokens: the input is empty; pass at least one token id');
  const T = rows[0].length;
  for (const r of rows) {
    if (r.length !== T) throw new RangeError(`tokens: every row of a batch must have the same length (left-pad and pass attentionMask); got ${rows.map((x) => x.length).join(', ')}`);
    for (const id of r) {
      if (!Number.isInteger(id) || id < 0 || id >= dVocab) throw new RangeError(`tokens: id ${id} is outside the vocabulary [0, ${dVocab})`);
    }
  }
  const B = rows.length;
  const mask = new Uint8Array(B * T).fill(1);
  if (attentionMask) {
    if (attentionMask.length !== B || attentionMask.some((r) => r.length !== T)) {
      throw new RangeError(`attentionMask: expected shape [${B}, ${T}] to match the tokens`);
    }
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) mask[b * T + t] = attentionMask[b][t] ? 1 : 0;
  }
  return { tokens: intTensor([B, T], rows.flat()), mask, batch: B, seq: T };
}

/** Position ids: the number of real tokens before each position (Hugging Face's cumsum(mask) - 1), plus `offset`. */
export function positionIds(mask: Uint8Array, B: number, T: number, offsets: readonly number[]): Int32Tensor {
  const pos = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let seen = offsets[b];
    for (let t = 0; t < T; t++) {
      if (mask[b * T + t]) seen++;
      pos[b * T + t] = Math.max(0, seen - 1);
    }
  }
  return { dtype: 'int32', shape: [B, T], data: pos };
}

/**
 * Additive causal mask [B, 1, T, past + T]: query t may see key s when s <= past + t and key s is a
 * real token. `keyMask` covers all past + T keys.
 */
export function causalMask(keyMask: Uint8Array, B: number, T: number, past: number): Float32Tensor {
  const S = past + T;
  const m = new Float32Array(B * T * S);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let s = 0; s < S; s++) {
        if (s > past + t || !keyMask[b * S + s]) m[(b * T + t) * S + s] = MASKED;
      }
  return tensor([B, 1, T, S], m);
}
