/**
 * Tensor indexing without flat-offset arithmetic: `tensorAt(t, b, s, i)`, `selectAxis(t, axis, i)`,
 * `sliceAxis(t, axis, start, end)`, and `indexed(t)`, which gives a tensor the same three as methods
 * (non-enumerable, so the tensor stays a plain `{ dtype, shape, data }` for JSON and spreading).
 */
import type { IndexedTensor } from '../model/types.js';
import { stridesOf, tensor, type Float32Tensor } from './tensor.js';

function axisIndex(t: Float32Tensor, axis: number): number {
  const r = t.shape.length;
  const a = axis < 0 ? axis + r : axis;
  if (!Number.isInteger(a) || a < 0 || a >= r) throw new RangeError(`axis ${axis} is out of range for a tensor of shape [${t.shape}]`);
  return a;
}

function position(size: number, i: number, what: string): number {
  const p = i < 0 ? i + size : i;
  if (!Number.isInteger(p) || p < 0 || p >= size) throw new RangeError(`${what} ${i} is out of range [0, ${size})`);
  return p;
}

/** The element at a full index (one number per axis; negative counts from the end). */
export function tensorAt(t: Float32Tensor, ...index: number[]): number {
  if (index.length !== t.shape.length) throw new RangeError(`tensorAt: expected ${t.shape.length} indices for shape [${t.shape}], got ${index.length}`);
  const st = stridesOf(t.shape);
  let o = 0;
  for (let a = 0; a < index.length; a++) o += position(t.shape[a], index[a], `index on axis ${a}`) * st[a];
  return t.data[o];
}

/** Indices start..end-1 of one axis (negative counts from the end; end defaults to the axis size). */
export function sliceAxis(t: Float32Tensor, axis: number, start: number, end?: number): IndexedTensor {
  const a = axisIndex(t, axis);
  const n = t.shape[a];
  const s = start < 0 ? Math.max(0, start + n) : Math.min(start, n);
  const e = end === undefined ? n : end < 0 ? Math.max(0, end + n) : Math.min(end, n);
  if (!Number.isInteger(s) || !Number.isInteger(e)) throw new RangeError(`sliceAxis: start and end must be integers, got ${start} and ${end}`);
  const len = Math.max(0, e - s);
  const outer = t.shape.slice(0, a).reduce((x, y) => x * y, 1);
  const inner = t.shape.slice(a + 1).reduce((x, y) => x * y, 1);
  const out = new Float32Array(outer * len * inner);
  for (let o = 0; o < outer; o++) out.set(t.data.subarray((o * n + s) * inner, (o * n + s + len) * inner), o * len * inner);
  const shape = [...t.shape];
  shape[a] = len;
  return indexed(tensor(shape, out));
}

/** Index `i` of one axis, with that axis removed. */
export function selectAxis(t: Float32Tensor, axis: number, i: number): IndexedTensor {
  const a = axisIndex(t, axis);
  const p = position(t.shape[a], i, `selectAxis: index on axis ${a}`);
  const s = sliceAxis(t, a, p, p + 1);
  return indexed(tensor([...t.shape.slice(0, a), ...t.shape.slice(a + 1)], s.data));
}

/** `t` with `get`, `select` and `slice` as (non-enumerable) methods; the data is not copied. */
export function indexed(t: Float32Tensor): IndexedTensor {
  if (typeof (t as Partial<IndexedTensor>).get === 'function') return t as IndexedTensor;
  // A frozen or sealed tensor (a user's own) gets a new face over the same data.
  if (!Object.isExtensible(t)) t = { dtype: 'float32', shape: t.shape, data: t.data };
  Object.defineProperties(t, {
    get: { value: (...index: number[]) => tensorAt(t, ...index), enumerable: false },
    select: { value: (axis: number, i: number) => selectAxis(t, axis, i), enumerable: false },
    slice: { value: (axis: number, start: number, end?: number) => sliceAxis(t, axis, start, end), enumerable: false },
  });
  return t as IndexedTensor;
}
