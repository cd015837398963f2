/**
 * A small dense tensor: a dtype, a shape and row-major data.
 *
 * Tensors are plain objects so they cross module (and backend) boundaries without
 * classes or prototypes; every op in `ops.ts` takes and returns them.
 */
export type DType = 'float32' | 'int32';

export interface Float32Tensor {
  readonly dtype: 'float32';
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface Int32Tensor {
  readonly dtype: 'int32';
  readonly shape: readonly number[];
  readonly data: Int32Array;
}

export type Tensor = Float32Tensor | Int32Tensor;

/** Number of elements implied by a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** The largest tensor marr will allocate (2^31 - 1 elements would overflow typed-array indexing). */
export const MAX_TENSOR_ELEMENTS = 2 ** 30;

function checkShape(shape: readonly number[], what: string): number {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${what}: invalid shape [${shape.join(', ')}]: every dimension must be a non-negative integer`);
    }
  }
  const n = sizeOf(shape);
  if (n > MAX_TENSOR_ELEMENTS) {
    throw new RangeError(
      `${what}: shape [${shape.join(', ')}] has ${n} elements, more than the limit of ${MAX_TENSOR_ELEMENTS}; the header or config that gave this shape is probably corrupt`,
    );
  }
  return n;
}

export function tensor(shape: readonly number[], data?: Float32Array | readonly number[]): Float32Tensor {
  const n = checkShape(shape, 'tensor');
  const arr = data === undefined ? new Float32Array(n) : data instanceof Float32Array ? data : Float32Array.from(data);
  if (arr.length !== n) {
    throw new RangeError(`tensor: shape [${shape.join(', ')}] needs ${n} values but ${arr.length} were given`);
  }
  return { dtype: 'float32', shape: [...shape], data: arr };
}

export function intTensor(shape: readonly number[], data?: Int32Array | readonly number[]): Int32Tensor {
  const n = checkShape(shape, 'intTensor');
  const arr = data === undefined ? new Int32Array(n) : data instanceof Int32Array ? data : Int32Array.from(data);
  if (arr.length !== n) {
    throw new RangeError(`intTensor: shape [${shape.join(', ')}] needs ${n} values but ${arr.length} were given`);
  }
  return { dtype: 'int32', shape: [...shape], data: arr };
}

export function zeros(shape: readonly number[]): Float32Tensor {
  return tensor(shape);
}

export function reshape<T extends Tensor>(t: T, shape: readonly number[]): T {
  const resolved = [...shape];
  const inferred = resolved.indexOf(-1);
  if (inferred >= 0) {
    const known = resolved.reduce((a, d, i) => (i === inferred ? a : a * d), 1);
    resolved[inferred] = known === 0 ? 0 : t.data.length / known;
  }
  if (sizeOf(resolved) !== t.data.length) {
    throw new RangeError(`reshape: cannot view [${t.shape.join(', ')}] (${t.data.length} elements) as [${shape.join(', ')}]`);
  }
  return { ...t, shape: resolved };
}

export function clone<T extends Tensor>(t: T): T {
  return { ...t, shape: [...t.shape], data: t.data.slice() } as T;
}

/** Throws a clear error when `t` does not have `expected` shape (-1 matches any size). */
export function assertShape(t: Tensor, expected: readonly number[], what: string): void {
  const ok = t.shape.length === expected.length && expected.every((d, i) => d === -1 || d === t.shape[i]);
  if (!ok) {
    const want = expected.map((d) => (d === -1 ? '*' : String(d))).join(', ');
    throw new RangeError(`${what}: expected shape [${want}] but got [${t.shape.join(', ')}]`);
  }
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}
