/**
 * Reading and writing single safetensors files (https://github.com/huggingface/safetensors).
 *
 * Layout: an 8-byte little-endian header length N, N bytes of JSON (`{name: {dtype, shape, data_offsets}}`
 * plus an optional `__metadata__` of strings), then the raw little-endian tensor bytes. Everything in the
 * header is validated before any tensor is allocated, so a corrupt or hostile header gives a clear error
 * naming the file instead of a huge allocation or a silent misread.
 *
 * Hand-written rather than taken from a library: the format is a page long, and the only JS readers on npm
 * either pull in a native backend or do not validate the header the way this file must.
 */
import { open } from 'node:fs/promises';
import { MAX_TENSOR_ELEMENTS, sizeOf, type Float32Tensor, type Int32Tensor, type Tensor } from '../tensor/tensor.js';
import { writeFileAtomic } from './atomic-write.js';
import { decodeBF16, decodeF16, encodeF16 } from './half-float.js';

export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32';

const DTYPE_BYTES: Record<SafetensorsDType, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 };

/** The largest JSON header accepted (the reference implementation's limit is 100 MB). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** Byte offsets into the data section (after the header), [begin, end). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** File offset where the data section starts (8 + header length). */
  dataStart: number;
  fileSize: number;
}

/**
 * The product of the dimensions, or null when it exceeds `limit` (checked dimension by dimension, so
 * no product overflows or turns into Infinity x 0 = NaN). Every dimension must itself be <= limit.
 */
export function checkedElementCount(shape: readonly number[], limit: number): number | null {
  let count = 1;
  for (const d of shape) if (d > limit) return null;
  for (const d of shape) {
    if (d === 0) return 0;
  }
  for (const d of shape) {
    count *= d;
    if (count > limit) return null;
  }
  return count;
}

function fail(path: string, problem: string): never {
  throw new Error(`safetensors file ${path}: ${problem}`);
}

/**
 * Parses and validates the header of a safetensors file, given its first bytes and its total size.
 * Exported for tests and for tools that only need names and shapes.
 */
export function parseSafetensorsHeader(path: string, headerJson: string, fileSize: number, headerLength: number): SafetensorsHeader {
  let raw: unknown;
  try {
    raw = JSON.parse(headerJson);
  } catch (err) {
    fail(path, `the header is not valid JSON (${(err as Error).message}); the file is corrupt or not a safetensors file`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(path, 'the header must be a JSON object');
  const dataStart = 8 + headerLength;
  const dataBytes = fileSize - dataStart;
  const entries: SafetensorsEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(path, '__metadata__ must be an object of strings');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(path, `__metadata__.${k} must be a string`);
      }
      metadata = value as Record<string, string>;
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (info === null || typeof info !== 'object') fail(path, `entry ${name} must be an object with dtype, shape and data_offsets`);
    // Own properties only: "__proto__", "constructor" or "valueOf" are not dtypes.
    if (typeof info.dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, info.dtype)) {
      fail(path, `tensor ${name} has dtype ${JSON.stringify(info.dtype)}; marr reads ${Object.keys(DTYPE_BYTES).join(', ')}`);
    }
    const dtype = info.dtype as SafetensorsDType;
    if (!Array.isArray(info.shape) || info.shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
      fail(path, `tensor ${name} has shape ${JSON.stringify(info.shape)}; a shape is a list of non-negative integers`);
    }
    const shape = info.shape as number[];
    const count = checkedElementCount(shape, MAX_TENSOR_ELEMENTS);
    if (count === null) {
      fail(path, `tensor ${name} has shape [${shape.join(', ')}], more elements than marr's limit of ${MAX_TENSOR_ELEMENTS}; the header is probably corrupt`);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      fail(path, `tensor ${name} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] byte offsets`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) fail(path, `tensor ${name} has data_offsets [${begin}, ${end}] with end before begin`);
    if (end > dataBytes) {
      fail(path, `tensor ${name} needs bytes [${begin}, ${end}) of the data section but the file has only ${Math.max(0, dataBytes)} data bytes; the file is truncated or the header is corrupt`);
    }
    const expectedBytes = count * DTYPE_BYTES[dtype];
    if (end - begin !== expectedBytes) {
      fail(path, `tensor ${name}: shape [${shape.join(', ')}] of ${dtype} needs ${expectedBytes} bytes but data_offsets span ${end - begin}`);
    }
    entries.push({ name, dtype, shape: [...shape], begin, end });
  }
  // The reference implementation requires the tensors to tile the data section exactly: no overlap, no holes.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor) fail(path, `tensor ${e.name} (bytes [${e.begin}, ${e.end})) overlaps the tensor before it`);
    if (e.begin > cursor) fail(path, `bytes [${cursor}, ${e.begin}) of the data section belong to no tensor; the header is corrupt`);
    cursor = e.end;
  }
  if (cursor !== dataBytes) {
    fail(path, `the tensors cover ${cursor} bytes but the data section has ${dataBytes}; the file has trailing garbage or a corrupt header`);
  }
  return { entries, metadata, dataStart, fileSize };
}

/** Reads and validates only the header of a safetensors file. */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await open(path, 'r');
  try {
    return await readHeaderFrom(fh, path);
  } finally {
    await fh.close();
  }
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function readHeaderFrom(fh: FileHandle, path: string): Promise<SafetensorsHeader> {
  const { size } = await fh.stat();
  if (size < 8) fail(path, `the file has ${size} bytes, fewer than the 8-byte header length; it is truncated or not a safetensors file`);
  const lenBuf = Buffer.alloc(8);
  await fh.read(lenBuf, 0, 8, 0);
  const headerLength = lenBuf.readBigUInt64LE(0);
  if (headerLength > BigInt(size - 8)) {
    fail(path, `the header claims ${headerLength} bytes but the file has only ${size - 8} after the length field; the file is truncated or not a safetensors file`);
  }
  const n = Number(headerLength);
  if (n > MAX_SAFETENSORS_HEADER_BYTES) fail(path, `the header claims ${n} bytes, more than the ${MAX_SAFETENSORS_HEADER_BYTES}-byte limit`);
  if (n < 2) fail(path, `the header claims ${n} bytes; a header is at least "{}"`);
  const headerBuf = Buffer.alloc(n);
  await fh.read(headerBuf, 0, n, 8);
  return parseSafetensorsHeader(path, headerBuf.toString('utf8'), size, n);
}

function decode(entry: SafetensorsEntry, bytes: Uint8Array, path: string): Tensor {
  const count = sizeOf(entry.shape);
  switch (entry.dtype) {
    case 'F32': {
      const out = new Float32Array(count);
      new Uint8Array(out.buffer).set(bytes); // copy: the file bytes need not be 4-byte aligned
      return { dtype: 'float32', shape: entry.shape, data: out } satisfies Float32Tensor;
    }
    case 'F16':
      return { dtype: 'float32', shape: entry.shape, data: decodeF16(bytes, 0, count) };
    case 'BF16':
      return { dtype: 'float32', shape: entry.shape, data: decodeBF16(bytes, 0, count) };
    case 'F64': {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return { dtype: 'float32', shape: entry.shape, data: out };
    }
    case 'I32': {
      const out = new Int32Array(count);
      new Uint8Array(out.buffer).set(bytes);
      return { dtype: 'int32', shape: entry.shape, data: out } satisfies Int32Tensor;
    }
    case 'I64': {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) fail(path, `tensor ${entry.name} holds the I64 value ${v}, outside the int32 range marr uses`);
        out[i] = Number(v);
      }
      return { dtype: 'int32', shape: entry.shape, data: out };
    }
  }
}

export interface SafetensorsContents {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

/**
 * Reads a safetensors file. Floating dtypes (F32, F16, BF16, F64) become float32 tensors; I32 and I64
 * become int32 tensors. `names`, when given, limits reading to those tensors.
 */
export async function readSafetensors(path: string, options: { names?: ReadonlySet<string> } = {}): Promise<SafetensorsContents> {
  if (/\.(bin|pt|pth|ckpt|pkl)$/i.test(path)) rejectPickle(path);
  const fh = await open(path, 'r');
  try {
    const header = await readHeaderFrom(fh, path);
    const tensors = new Map<string, Tensor>();
    for (const entry of header.entries) {
      if (options.names && !options.names.has(entry.name)) continue;
      const bytes = new Uint8Array(entry.end - entry.begin);
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, header.dataStart + entry.begin);
      if (bytesRead !== bytes.length) fail(path, `could read only ${bytesRead} of ${bytes.length} bytes of tensor ${entry.name}; the file changed while reading`);
      tensors.set(entry.name, decode(entry, bytes, path));
    }
    return { tensors, metadata: header.metadata };
  } finally {
    await fh.close();
  }
}

/** The error for PyTorch pickle checkpoints, which marr never opens (unpickling can run arbitrary code). */
export function rejectPickle(path: string): never {
  throw new Error(
    `${path} looks like a PyTorch pickle checkpoint (.bin/.pt/.pth/.ckpt). marr never loads pickle files, because unpickling can execute code. ` +
      `Convert it to safetensors first, e.g. in Python: from safetensors.torch import save_file; save_file(torch.load(path, weights_only=True), "model.safetensors") ` +
      `(or load it with transformers and call model.save_pretrained(dir, safe_serialization=True)).`,
  );
}

export interface WriteSafetensorsOptions {
  /** Storage type for float32 tensors (int32 tensors are always I32). Default F32. */
  dtype?: 'F32' | 'F16';
  metadata?: Record<string, string>;
}

/** Encodes tensors as the bytes of a safetensors file (in the order given). */
export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, options: WriteSafetensorsOptions = {}): Uint8Array {
  const floatType = options.dtype ?? 'F32';
  const header: Record<string, unknown> = {};
  if (options.metadata) header.__metadata__ = options.metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error('writeSafetensors: "__metadata__" is reserved and cannot be a tensor name');
    let bytes: Uint8Array;
    let dtype: SafetensorsDType;
    if (t.dtype === 'int32') {
      dtype = 'I32';
      bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    } else if (floatType === 'F16') {
      dtype = 'F16';
      bytes = encodeF16(t.data);
    } else {
      dtype = 'F32';
      bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    }
    if (bytes.length !== sizeOf(t.shape) * DTYPE_BYTES[dtype]) {
      throw new Error(`writeSafetensors: tensor ${name} has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    }
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
  const jsonBytes = Buffer.from(json, 'utf8');
  const padded = Math.ceil(jsonBytes.length / 8) * 8;
  json += ' '.repeat(padded - jsonBytes.length);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

/** Writes tensors to a safetensors file atomically. */
export async function writeSafetensors(path: string, tensors: ReadonlyMap<string, Tensor>, options: WriteSafetensorsOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, options));
}
