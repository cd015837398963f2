/**
 * The WebAssembly SIMD kernels (packages/core/wasm/kernels.c) behind the small-product path: loading,
 * memory (a bump allocator for transposed weights, scratch above it for each call) and the two calls.
 * Null where the runtime has no WebAssembly SIMD, or with the MARR_WASM=0 setting; callers then use JavaScript.
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.js';
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
}

/** Weights kept in the module's memory before the cache starts over (a bump allocator never frees). */
const WEIGHT_BYTES_LIMIT = 256 * 1024 * 1024;

export class WasmKernels {
  private readonly ex: KernelExports;
  private readonly heapBase: number;
  private top: number;
  private weights = new WeakMap<Float32Array, number>();

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

  /** Where a weight (stored as given) lives in the module's memory, copied there on first use. */
  private weight(data: Float32Array, prepare: () => Float32Array): number {
    const at = this.weights.get(data);
    if (at !== undefined) return at;
    const t = prepare();
    if (this.top + t.byteLength - this.heapBase > WEIGHT_BYTES_LIMIT) {
      this.weights = new WeakMap();
      this.top = this.heapBase;
    }
    const offset = this.top;
    this.ensure(offset + t.byteLength);
    this.f32(offset, t.length).set(t);
    this.top = align(offset + t.byteLength);
    this.weights.set(data, offset);
    return offset;
  }

  /** Forgets a weight (after setWeight); its bytes are reused when the cache starts over. */
  forget(data: Float32Array): void {
    this.weights.delete(data);
  }

  /** y [rows, N] = x [rows, K] w [K, N] (+ bias), with `transpose` giving w as [N, K] on first use. */
  dotRows(x: Float32Array, rows: number, K: number, w: Float32Array, transpose: () => Float32Array, N: number, bias: Float32Array | undefined): Float32Array {
    const wt = this.weight(w, transpose);
    const b = bias ? this.weight(bias, () => bias) : 0;
    const xs = this.top;
    const out = align(xs + x.byteLength);
    this.ensure(out + rows * N * 4);
    this.f32(xs, x.length).set(x);
    this.ex.dot_rows(xs, rows, K, wt, N, b, out);
    return this.f32(out, rows * N).slice();
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
    const instance = new api.Instance(new api.Module(bytes), {});
    loaded = new WasmKernels(instance.exports as unknown as KernelExports);
  } catch {
    loaded = null;
  }
  return loaded;
}
