/**
 * Keys and values of earlier positions for incremental decoding, one entry per schedule slot. For a
 * single sequence the entry's tensors are views of a buffer with spare room, so a decoding step writes
 * its new keys and values in place (amortised O(new tokens)) instead of copying the whole past.
 */
import { tensor, type Float32Tensor } from '../tensor/tensor.js';

export interface KvEntry {
  /** [batch, past, nKvHeads, dHead], after rotary. */
  k: Float32Tensor;
  v: Float32Tensor;
  /** The buffers behind k and v (batch 1 only) and how many positions they can hold. */
  store?: { k: Float32Array; v: Float32Array; capacity: number };
}

function grow(old: Float32Array, used: number, capacity: number): Float32Array {
  const b = new Float32Array(capacity);
  b.set(old.subarray(0, used));
  return b;
}

/** [B, S1, K, D] and [B, S2, K, D] joined along the sequence axis. */
function concatSeq(a: Float32Tensor, b: Float32Tensor): Float32Tensor {
  const [B, S1, K, D] = a.shape;
  const S2 = b.shape[1];
  const row = K * D;
  const out = new Float32Array(B * (S1 + S2) * row);
  for (let i = 0; i < B; i++) {
    out.set(a.data.subarray(i * S1 * row, (i + 1) * S1 * row), i * (S1 + S2) * row);
    out.set(b.data.subarray(i * S2 * row, (i + 1) * S2 * row), (i * (S1 + S2) + S1) * row);
  }
  return tensor([B, S1 + S2, K, D], out);
}

/** The entry with `k` and `v` ([B, T, K, D]) appended. */
export function appendKv(entry: KvEntry | null, k: Float32Tensor, v: Float32Tensor): KvEntry {
  if (!entry) return { k, v }; // a buffer is made on the first append, so plain runs copy nothing
  const [B, T, K, D] = k.shape;
  if (B !== 1) return { k: concatSeq(entry.k, k), v: concatSeq(entry.v, v) };
  const row = K * D;
  const past = entry.k.shape[1];
  const total = past + T;
  let store = entry.store;
  if (!store || store.capacity < total) {
    const capacity = Math.max(total, 2 * (store?.capacity ?? 0), 64);
    const kOld = store ? store.k : entry.k.data;
    const vOld = store ? store.v : entry.v.data;
    store = { k: grow(kOld, past * row, capacity * row), v: grow(vOld, past * row, capacity * row), capacity };
  }
  store.k.set(k.data, past * row);
  store.v.set(v.data, past * row);
  return {
    k: tensor([1, total, K, D], store.k.subarray(0, total * row)),
    v: tensor([1, total, K, D], store.v.subarray(0, total * row)),
    store,
  };
}
