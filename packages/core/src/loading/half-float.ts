/**
 * IEEE 754 half precision (F16) and bfloat16 (BF16) to and from float32.
 *
 * Hand-written because Node 20 has neither Float16Array nor Math.f16round; the conversions are a few
 * lines of bit manipulation and are checked in the tests against hand-computed bit patterns.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value of one half-precision bit pattern. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero or subnormal
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The half-precision bit pattern nearest to `value` (round to nearest, ties to even). */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf or NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to infinity
  if (e <= 0) {
    // subnormal half (or zero): shift the mantissa with its implicit bit into place
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const midpoint = 1 << (shift - 1);
    const round = rem > midpoint || (rem === midpoint && (half & 1) === 1) ? 1 : 0;
    return sign | (half + round);
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  const round = rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1) ? 1 : 0;
  return sign | (half + round); // a carry into the exponent is the correct rounding (up to Inf)
}

/** The float32 value of one bfloat16 bit pattern (the high 16 bits of a float32). */
export function bf16ToFloat(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0];
}

/** Decodes `count` little-endian F16 values starting at `offset` of `bytes`. */
export function decodeF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
  return out;
}

/** Decodes `count` little-endian BF16 values starting at `offset` of `bytes`. */
export function decodeBF16(bytes: Uint8Array, offset: number, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
  const out = new Float32Array(count);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < count; i++) outBits[i] = view.getUint16(i * 2, true) << 16;
  return out;
}

/** Encodes float32 values as little-endian F16 bytes. */
export function encodeF16(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, floatToHalf(values[i]), true);
  return out;
}
