import { describe, expect, it } from 'vitest';
import { expf, expShiftedInto, sigmoidInto } from '../../src/tensor/expf.js';

describe('expf', () => {
  it('matches Math.exp to 1e-8 relative over the whole float32 range', () => {
    let worst = 0;
    // a dense grid (every 1/1024) plus the endpoints of each range-reduction interval
    for (let i = -104 * 1024; i <= 88 * 1024; i++) {
      const x = i / 1024;
      worst = Math.max(worst, Math.abs(expf(x) - Math.exp(x)) / Math.exp(x));
    }
    for (let m = -150; m <= 127; m++) {
      for (const x of [(m - 0.5) * Math.LN2, (m + 0.5) * Math.LN2]) {
        if (x < -104 || x > 88) continue;
        worst = Math.max(worst, Math.abs(expf(x) - Math.exp(x)) / Math.exp(x));
      }
    }
    expect(worst).toBeLessThan(1e-8);
  });

  it('rounds to the float32 Math.exp gives, within one ulp', () => {
    let worstUlps = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = Math.fround(-87 + (175 * i) / 200_000);
      const want = Math.fround(Math.exp(x));
      const ulp = Math.fround(want * (1 + 2 ** -23)) - want || Number.MIN_VALUE;
      worstUlps = Math.max(worstUlps, Math.abs(Math.fround(expf(x)) - want) / ulp);
    }
    expect(worstUlps).toBeLessThanOrEqual(1);
  });

  it('is exact at 0 and clamps outside the float32 range', () => {
    expect(expf(0)).toBe(1);
    expect(Math.fround(expf(1))).toBe(Math.fround(Math.E));
    expect(Math.fround(expf(-1e6))).toBe(0);
    expect(Math.fround(expf(-200))).toBe(0);
    expect(Number.isFinite(expf(1e6))).toBe(true);
    expect(expf(1e6)).toBeCloseTo(Math.exp(88), -30);
    expect(expf(-Infinity)).toBeLessThan(1e-44);
    expect(expf(NaN)).toBeNaN();
  });

  it('expShiftedInto and sigmoidInto: float32 arrays within float32 rounding of Math.exp, float64 arrays exactly Math.exp', () => {
    const xs = Array.from({ length: 2001 }, (_, i) => -30 + (i * 40) / 2000);
    for (const Ctor of [Float32Array, Float64Array]) {
      const x = Ctor.from(xs);
      const out = new Ctor(x.length + 2);
      const sum = expShiftedInto(out, new Ctor([0, ...x, 0]), 1, x.length + 1, 3);
      let want = 0;
      x.forEach((v, i) => {
        const e = Math.exp(v - 3);
        want += e;
        if (Ctor === Float64Array) expect(out[i + 1]).toBe(e);
        else expect(Math.abs(out[i + 1] - e) / e).toBeLessThan(1.5e-7);
      });
      expect(out[0]).toBe(0);
      expect(out[x.length + 1]).toBe(0);
      expect(Math.abs(sum - want) / want).toBeLessThan(1e-7);
      const sg = new Ctor(x.length);
      sigmoidInto(sg, x);
      x.forEach((v, i) => {
        const s = 1 / (1 + Math.exp(-v));
        if (Ctor === Float64Array) expect(sg[i]).toBe(s);
        else expect(Math.abs(sg[i] - s) / s).toBeLessThan(1.5e-7);
      });
    }
  });
});
