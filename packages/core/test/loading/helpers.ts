/** Shared test helpers: temporary folders and exact tensor comparison. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Float32Tensor } from '../../src/tensor/tensor.js';

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'marr-loading-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Largest absolute difference between two tensors of the same shape (throws on shape mismatch). */
export function maxAbsDiff(a: Float32Tensor, b: Float32Tensor): number {
  if (a.shape.join() !== b.shape.join()) throw new Error(`shapes differ: [${a.shape}] vs [${b.shape}]`);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

/** Little-endian bytes of a safetensors file built by hand from a header object and raw data. */
export function rawSafetensors(header: unknown, data: Uint8Array, headerLengthOverride?: bigint): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, headerLengthOverride ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
