import { describe, expect, it } from 'vitest';
import {
  applyRotary, createRng, erf, geluExact, geluTanh, intTensor, layerNorm, logSoftmax, matmulReference, rmsNorm, silu,
  softmax, tensor, transpose, embeddingLookup, reshape,
} from '../../src/index.js';

describe('reference kernels against closed forms', () => {
  it('erf matches independent values (CPython math.erf)', () => {
    const ref: [number, number][] = [
      [0.1, 0.1124629160182849], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2, 0.9953222650189527],
      [2.9, 0.9999589021219005], [3.1, 0.9999883513426328], [4, 0.9999999845827421], [-1.3, -0.9340079449406524],
    ];
    for (const [x, y] of ref) expect(Math.abs(erf(x) - y)).toBeLessThan(1e-13);
  });

  it('activations', () => {
    expect(geluExact(1)).toBeCloseTo(0.8413447460685429, 12); // x * Phi(x)
    expect(geluTanh(1)).toBeCloseTo(0.8411919906082768, 12);
    expect(silu(2)).toBeCloseTo(2 / (1 + Math.exp(-2)), 12);
  });

  it('matmul equals the definition, with transposes', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = tensor([3, 2], [7, 8, 9, 10, 11, 12]);
    expect(Array.from(matmulReference(a, b).data)).toEqual([58, 64, 139, 154]);
    expect(Array.from(matmulReference(transpose(a, [1, 0]), b, { transposeA: true }).data)).toEqual([58, 64, 139, 154]);
    expect(() => matmulReference(a, a)).toThrow(/inner dimensions/);
  });

  it('softmax and log-softmax', () => {
    const s = softmax(tensor([1, 3], [1, 2, 3]));
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0] + e[1] + e[2];
    e.forEach((v, i) => expect(s.data[i]).toBeCloseTo(v / z, 6));
    const ls = logSoftmax(tensor([1, 3], [1, 2, 3]));
    e.forEach((v, i) => expect(ls.data[i]).toBeCloseTo(Math.log(v / z), 6));
  });

  it('layer norm and RMS norm', () => {
    const x = tensor([1, 4], [1, 2, 3, 6]);
    const w = tensor([4], [1, 1, 1, 1]);
    const ln = layerNorm(x, w, undefined, 0);
    // mean 3, var (4+1+0+9)/4 = 3.5
    expect(ln.scale.data[0]).toBeCloseTo(Math.sqrt(3.5), 6);
    expect(ln.output.data[0]).toBeCloseTo(-2 / Math.sqrt(3.5), 6);
    const rn = rmsNorm(x, w, 0);
    expect(rn.scale.data[0]).toBeCloseTo(Math.sqrt((1 + 4 + 9 + 36) / 4), 6);
  });

  it('rotary: a rotation by position times frequency, in both conventions', () => {
    const rng = createRng(1);
    const D = 8;
    const x = tensor([1, 1, 1, D], Array.from({ length: D }, () => rng.normal()));
    const pos = intTensor([1, 1], [3]);
    const half = applyRotary(x, pos, D, 10000, 'half');
    const inter = applyRotary(x, pos, D, 10000, 'interleaved');
    for (let i = 0; i < D / 2; i++) {
      const ang = 3 / Math.pow(10000, (2 * i) / D);
      const [c, s] = [Math.cos(ang), Math.sin(ang)];
      expect(half.data[i]).toBeCloseTo(x.data[i] * c - x.data[i + D / 2] * s, 5);
      expect(half.data[i + D / 2]).toBeCloseTo(x.data[i + D / 2] * c + x.data[i] * s, 5);
      expect(inter.data[2 * i]).toBeCloseTo(x.data[2 * i] * c - x.data[2 * i + 1] * s, 5);
      expect(inter.data[2 * i + 1]).toBeCloseTo(x.data[2 * i + 1] * c + x.data[2 * i] * s, 5);
    }
    // Partial rotary leaves the tail untouched.
    const partial = applyRotary(x, pos, 4, 10000, 'half');
    for (let i = 4; i < D; i++) expect(partial.data[i]).toBe(x.data[i]);
  });

  it('embedding lookup and reshape check their inputs', () => {
    const table = tensor([3, 2], [0, 1, 2, 3, 4, 5]);
    expect(Array.from(embeddingLookup(table, intTensor([2], [2, 0])).data)).toEqual([4, 5, 0, 1]);
    expect(() => embeddingLookup(table, intTensor([1], [3]))).toThrow(/outside the vocabulary/);
    expect(() => reshape(table, [4, 2])).toThrow(/cannot view/);
    expect(() => tensor([2 ** 20, 2 ** 12])).toThrow(/corrupt/);
  });
});
