/**
 * A minimal safetensors writer (F32 only): an 8-byte little-endian header length, a JSON header with
 * dtype/shape/offsets per tensor, then the raw little-endian data.
 * Local because @marr/core does not export its loading module yet; replace with core's
 * `writeSafetensors` once it is exported.
 */
import { writeFileAtomic } from './atomic-write.js';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export function encodeSafetensorsF32(tensors: ReadonlyMap<string, NamedTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: tensor ${name} has shape [${t.shape}] but ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i], true);
  }
  return out;
}

export async function writeSafetensorsF32(path: string, tensors: ReadonlyMap<string, NamedTensor>, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, encodeSafetensorsF32(tensors, metadata));
}
