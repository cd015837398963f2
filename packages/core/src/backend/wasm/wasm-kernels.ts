/**
 * The WebAssembly SIMD kernels (packages/core/wasm/kernels.c) behind the small-product path: loading,
 * memory (a bump allocator for transposed weights, scratch above it for each call) and the two calls.
 * Null where the runtime has no WebAssembly SIMD, or with the MARR_WASM=0 setting; callers then use JavaScript.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';
import type { Activation } from '../../model/config.js';
import { activation } from '../../tensor/ops.js';
import { settings } from '../../settings.js';

/** The little of the WebAssembly API used here (core compiles without the DOM library's declarations). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface KernelExports {
  memory: WasmMemory;
  __heap_base: { value: number };
  dot_rows(x: number, rows: number, K: number, wt: number, N: number, bias: number, out: number): void;
  attend(q: number, k: number, v: number, mask: number, T: number, H: number, Kh: number, S: number, D: number, scale: number, z: number, scratch: number): void;
  decode_block(params: number): void;
}

/** The activation kinds decode_block passes to env.act (the order of ACTIVATIONS). */
export const ACTIVATIONS: readonly Activation[] = ['relu', 'silu', 'gelu', 'gelu_new'];

/** Weights kept in the module's memory at most; past that, calls fall back to JavaScript (null). */
const WEIGHT_BYTES_LIMIT = 256 * 1024 * 1024;

export class WasmKernels {
  private readonly ex: KernelExports;
  private readonly heapBase: number;
  private top: number;
  private weightBytes = 0;
  private readonly weights = new WeakMap<Float32Array, number>();
  /** Freed key/value buffers by size, for the next decoding run. */
  private readonly freeBuffers = new Map<number, number[]>();

  constructor(ex: KernelExports) {
    this.ex = ex;
    this.heapBase = align(Number(ex.__heap_base.value));
    this.top = this.heapBase;
  }

  private ensure(bytes: number): void {
    const need = bytes - this.ex.memory.buffer.byteLength;
    if (need > 0) this.ex.memory.grow(Math.ceil(need / 65536));
  }

  private f32(offset: number, length: number): Float32Array {
    return new Float32Array(this.ex.memory.buffer, offset, length);
  }

  /** Where a weight (stored as given) lives in the module's memory, copied there on first use; null past the limit. */
  private weight(data: Float32Array, prepare: () => Float32Array): number | null {
    const at = this.weights.get(data);
    if (at !== undefined) return at;
    const t = prepare();
    if (this.weightBytes + t.byteLength > WEIGHT_BYTES_LIMIT) return null;
    const offset = this.reserve(t.byteLength);
    this.f32(offset, t.length).set(t);
    this.weightBytes += t.byteLength;
    this.weights.set(data, offset);
    return offset;
  }

  /** Bytes that stay until freed (weights, key/value buffers), taken from the top of the heap. */
  private reserve(bytes: number): number {
    const offset = this.top;
    this.ensure(offset + bytes);
    this.top = align(offset + bytes);
    return offset;
  }

  /** A buffer of `floats` for keys or values that lives until `release`. */
  buffer(floats: number): number {
    const free = this.freeBuffers.get(floats);
    if (free && free.length > 0) return free.pop()!;
    return this.reserve(floats * 4);
  }

  /** Returns a buffer from `buffer` for reuse. */
  release(offset: number, floats: number): void {
    const list = this.freeBuffers.get(floats) ?? [];
    list.push(offset);
    this.freeBuffers.set(floats, list);
  }

  /** A view of `length` floats of the module's memory (valid until the memory next grows). */
  view(offset: number, length: number): Float32Array {
    return this.f32(offset, length);
  }

  /** Forgets a weight (after setWeight); its bytes are reused when the cache starts over. */
  forget(data: Float32Array): void {
    this.weights.delete(data);
  }

  /** y [rows, N] = x [rows, K] w [K, N] (+ bias), with `transpose` giving w as [N, K] on first use. */
  dotRows(x: Float32Array, rows: number, K: number, w: Float32Array, transpose: () => Float32Array, N: number, bias: Float32Array | undefined): Float32Array | null {
    const wt = this.weight(w, transpose);
    const b = bias ? this.weight(bias, () => bias) : 0;
    if (wt === null || b === null) return null;
    const xs = this.top;
    const out = align(xs + x.byteLength);
    this.ensure(out + rows * N * 4);
    this.f32(xs, x.length).set(x);
    this.ex.dot_rows(xs, rows, K, wt, N, b, out);
    return this.f32(out, rows * N).slice();
  }

  /**
   * One decoding step of one block, in place on the residual `x` [d]; `weights` gives each weight's
   * offset (transposed as decode_block reads it), `kv` the key/value buffers [capacity, Kh, D] with `past`
   * positions filled; `rot` the step's cos and sin [rotaryDim / 2]; `mask` [past + 1].
   */
  decodeBlock(o: {
    ints: readonly number[];
    weights: readonly (number | 0)[];
    k: number;
    v: number;
    x: Float32Array;
    rot: { cos: Float32Array; sin: Float32Array } | null;
    mask: Float32Array;
    eps: number;
    scratchFloats: number;
  }): Float32Array {
    const po = this.top;
    const xo = align(po + 33 * 4);
    const co = align(xo + o.x.byteLength);
    const so = align(co + (o.rot?.cos.byteLength ?? 0));
    const mo = align(so + (o.rot?.sin.byteLength ?? 0));
    const sc = align(mo + o.mask.byteLength);
    this.ensure(sc + o.scratchFloats * 4);
    const p = new Int32Array(this.ex.memory.buffer, po, 33);
    o.ints.forEach((v, i) => (p[i] = v));
    o.weights.forEach((v, i) => (p[12 + i] = v));
    p[25] = o.k;
    p[26] = o.v;
    p[27] = o.rot ? co : 0;
    p[28] = o.rot ? so : 0;
    p[29] = xo;
    p[30] = sc;
    new Float32Array(this.ex.memory.buffer, po, 33)[31] = o.eps;
    p[32] = mo;
    this.f32(xo, o.x.length).set(o.x);
    if (o.rot) {
      this.f32(co, o.rot.cos.length).set(o.rot.cos);
      this.f32(so, o.rot.sin.length).set(o.rot.sin);
    }
    this.f32(mo, o.mask.length).set(o.mask);
    this.ex.decode_block(po);
    return this.f32(xo, o.x.length).slice();
  }

  /** Where a weight lives in the module's memory (`prepare` gives it as stored there); null past the limit. */
  weightOffset(data: Float32Array, prepare: () => Float32Array): number | null {
    return this.weight(data, prepare);
  }

  /** z [T, H, D] for one sequence: q [T, H, D], k and v [S, Kh, D], mask [T, S]. */
  attend(q: Float32Array, k: Float32Array, v: Float32Array, mask: Float32Array, T: number, H: number, Kh: number, S: number, D: number, scale: number): Float32Array {
    const qo = this.top;
    const ko = align(qo + q.byteLength);
    const vo = align(ko + k.byteLength);
    const mo = align(vo + v.byteLength);
    const zo = align(mo + mask.byteLength);
    const so = align(zo + q.byteLength);
    this.ensure(so + S * 4);
    this.f32(qo, q.length).set(q);
    this.f32(ko, k.length).set(k);
    this.f32(vo, v.length).set(v);
    this.f32(mo, mask.length).set(mask);
    this.ex.attend(qo, ko, vo, mo, T, H, Kh, S, D, scale, zo, so);
    return this.f32(zo, q.length).slice();
  }
}

function align(n: number): number {
  return (n + 15) & ~15;
}

let loaded: WasmKernels | null | undefined;

/** The kernels, compiled once per process; null without WebAssembly SIMD or with MARR_WASM=0. */
export function wasmKernels(): WasmKernels | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!settings().wasm || !api) return loaded;
  try {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    const acts = ACTIVATIONS.map((a) => activation(a));
    const instance = new api.Instance(new api.Module(bytes), { env: { act: (kind: number, x: number) => acts[kind](x) } });
    loaded = new WasmKernels(instance.exports as unknown as KernelExports);
  } catch {
    loaded = null;
  }
  return loaded;
}
