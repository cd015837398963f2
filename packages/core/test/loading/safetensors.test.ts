import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bf16ToFloat, floatToHalf, halfToFloat } from '../../src/loading/half-float.js';
import { readSafetensors, writeSafetensors } from '../../src/loading/safetensors.js';
import { readSafetensorsFolder } from '../../src/loading/safetensors-sharded.js';
import { intTensor, tensor, type Tensor } from '../../src/tensor/tensor.js';
import { rawSafetensors, tempDir } from './helpers.js';

const dir = tempDir();
let n = 0;
const file = (bytes: Uint8Array, name = `t${n++}.safetensors`): string => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};
const u16 = (values: number[]): Uint8Array => {
  const b = new Uint8Array(values.length * 2);
  values.forEach((v, i) => new DataView(b.buffer).setUint16(i * 2, v, true));
  return b;
};

describe('half-precision codecs (hand-computed bit patterns)', () => {
  it('decodes F16 patterns', () => {
    // sign | exponent (5 bits, bias 15) | fraction (10 bits)
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504); // largest finite: (2 - 2^-10) * 2^15
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(halfToFloat(0x0400)).toBe(2 ** -14); // smallest normal
    expect(halfToFloat(0x3555)).toBe(0.333251953125); // 1/3 rounded: (1 + 341/1024) / 4
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });
  it('encodes F16 with round-to-nearest-even', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(1 / 3)).toBe(0x3555);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(70000)).toBe(0x7c00); // overflow
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(2 ** -26)).toBe(0x0000); // below half the smallest subnormal
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to the even 1.0
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // a tie rounds up to the even 1 + 2^-9
    expect(floatToHalf(-2)).toBe(0xc000);
    for (let h = 0; h < 0x7c00; h += 7) expect(floatToHalf(halfToFloat(h))).toBe(h); // every 7th finite pattern
  });
  it('decodes BF16 patterns', () => {
    expect(bf16ToFloat(0x3f80)).toBe(1);
    expect(bf16ToFloat(0x4049)).toBe(3.140625); // 0x40490000 = 1.5703125 * 2
    expect(bf16ToFloat(0xc2f7)).toBe(-123.5);
    expect(bf16ToFloat(0x0080)).toBe(2 ** -126);
  });
});

describe('readSafetensors', () => {
  it('reads hand-built F16, BF16, F32, I64 and I32 tensors', async () => {
    const f16 = u16([0x3c00, 0xc000, 0x3555, 0x0001]);
    const bf16 = u16([0x3f80, 0x4049, 0xc2f7]);
    const f32 = new Uint8Array(new Float32Array([0.5, -7.25]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([5n, -3n]).buffer);
    const i32 = new Uint8Array(new Int32Array([42]).buffer);
    const data = new Uint8Array([...f16, ...bf16, ...f32, ...i64, ...i32]);
    const header = {
      __metadata__: { format: 'pt' },
      a: { dtype: 'F16', shape: [2, 2], data_offsets: [0, 8] },
      b: { dtype: 'BF16', shape: [3], data_offsets: [8, 14] },
      c: { dtype: 'F32', shape: [2], data_offsets: [14, 22] },
      d: { dtype: 'I64', shape: [2], data_offsets: [22, 38] },
      e: { dtype: 'I32', shape: [], data_offsets: [38, 42] },
    };
    const { tensors, metadata } = await readSafetensors(file(rawSafetensors(header, data)));
    expect(metadata).toEqual({ format: 'pt' });
    expect(tensors.get('a')!.shape).toEqual([2, 2]);
    expect([...tensors.get('a')!.data]).toEqual([1, -2, 0.333251953125, 2 ** -24]);
    expect([...tensors.get('b')!.data]).toEqual([1, 3.140625, -123.5]);
    expect([...tensors.get('c')!.data]).toEqual([0.5, -7.25]);
    expect(tensors.get('d')!.dtype).toBe('int32');
    expect([...tensors.get('d')!.data]).toEqual([5, -3]);
    expect([...tensors.get('e')!.data]).toEqual([42]);
  });

  it('round-trips F32 exactly and F16 to the nearest half', async () => {
    const t = new Map<string, Tensor>([
      ['w', tensor([2, 3], [1, -2.5, 1 / 3, 1e-3, 100, 0])],
      ['ids', intTensor([2], [7, -1])],
    ]);
    const p32 = join(dir, 'rt32.safetensors');
    await writeSafetensors(p32, t, { metadata: { note: 'x' } });
    const back = await readSafetensors(p32);
    expect([...back.tensors.get('w')!.data]).toEqual([1, -2.5, Math.fround(1 / 3), Math.fround(1e-3), 100, 0]);
    expect([...back.tensors.get('ids')!.data]).toEqual([7, -1]);
    expect(back.metadata).toEqual({ note: 'x' });
    const p16 = join(dir, 'rt16.safetensors');
    await writeSafetensors(p16, t, { dtype: 'F16' });
    const h = await readSafetensors(p16);
    const expected = [1, -2.5, 0.333251953125, halfToFloat(floatToHalf(1e-3)), 100, 0];
    expect([...h.tensors.get('w')!.data]).toEqual(expected);
    expect(Math.abs(h.tensors.get('w')!.data[3] - 1e-3)).toBeLessThan(1e-3 * 2 ** -11);
  });

  const good = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const bad: [string, () => Uint8Array, RegExp][] = [
    ['a file shorter than the length field', () => new Uint8Array([1, 2, 3]), /fewer than the 8-byte header length/],
    ['a header length beyond the file', () => rawSafetensors(good, new Uint8Array(8), 10_000n), /header claims 10000 bytes but the file has only/],
    ['a header that is not JSON', () => {
      const b = rawSafetensors(good, new Uint8Array(8));
      b[8] = 0x5b; // '[' ... breaks the JSON
      b[9] = 0x7d;
      return b;
    }, /not valid JSON/],
    ['a truncated data section', () => rawSafetensors(good, new Uint8Array(4)), /needs bytes \[0, 8\) of the data section but the file has only 4 data bytes/],
    ['offsets pointing beyond the file', () => rawSafetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [1000, 1008] } }, new Uint8Array(8)), /needs bytes \[1000, 1008\).*truncated or the header is corrupt/],
    ['an absurd shape', () => rawSafetensors({ x: { dtype: 'F32', shape: [65536, 32768], data_offsets: [0, 8] } }, new Uint8Array(8)), /shape \[65536, 32768\], more elements than marr's limit/],
    ['a shape that does not match the byte span', () => rawSafetensors({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /needs 12 bytes but data_offsets span 8/],
    ['overlapping tensors', () => rawSafetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /overlaps/],
    ['trailing bytes no tensor owns', () => rawSafetensors(good, new Uint8Array(12)), /cover 8 bytes but the data section has 12/],
    ['an unknown dtype', () => rawSafetensors({ x: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype "F8_E4M3"; marr reads/],
    ['negative dimensions', () => rawSafetensors({ x: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, new Uint8Array(8)), /shape \[-2\]/],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what}, naming the file`, async () => {
      const p = file(make());
      await expect(readSafetensors(p)).rejects.toThrow(message);
      await expect(readSafetensors(p)).rejects.toThrow(p);
    });
  }

  it('refuses PyTorch pickle files with advice to convert', async () => {
    const p = file(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'pytorch_model.bin');
    await expect(readSafetensors(p)).rejects.toThrow(/never loads pickle files.*safetensors/);
  });
});

describe('sharded checkpoints', () => {
  it('reads the shards an index names', async () => {
    const d = join(dir, 'sharded');
    await writeSafetensors(join(d, 'model-00001-of-00002.safetensors'), new Map([['a', tensor([2], [1, 2])]]));
    await writeSafetensors(join(d, 'model-00002-of-00002.safetensors'), new Map([['b', tensor([1], [3])]]));
    writeFileSync(
      join(d, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }),
    );
    const { tensors, files } = await readSafetensorsFolder(d);
    expect([...tensors.get('a')!.data]).toEqual([1, 2]);
    expect([...tensors.get('b')!.data]).toEqual([3]);
    expect(files).toHaveLength(3);
  });
  it('rejects shard paths outside the folder', async () => {
    const d = join(dir, 'evil');
    await writeSafetensors(join(d, 'x.safetensors'), new Map([['a', tensor([1], [1])]]));
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: '../x.safetensors' } }));
    await expect(readSafetensorsFolder(d)).rejects.toThrow(/shards must be .safetensors files in the same folder/);
  });
  it('names a missing shard', async () => {
    const d = join(dir, 'missing');
    await writeSafetensors(join(d, 'a.safetensors'), new Map([['a', tensor([1], [1])]]));
    writeFileSync(join(d, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'a.safetensors', b: 'b.safetensors' } }));
    await expect(readSafetensorsFolder(d)).rejects.toThrow(/lists shard b.safetensors.*does not exist/);
  });
  it('refuses a folder with only pickle weights', async () => {
    const d = join(dir, 'pickle-only');
    await writeSafetensors(join(d, 'unrelated.safetensors'), new Map([['a', tensor([1], [1])]]));
    writeFileSync(join(d, 'pytorch_model.bin'), new Uint8Array([0x80, 2, 0x8a]));
    await expect(readSafetensorsFolder(d)).rejects.toThrow(/only PyTorch pickle weights.*never loads/);
  });
});
