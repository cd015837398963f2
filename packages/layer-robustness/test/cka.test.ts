import { createRng, tensor, type Float32Tensor } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { ckaMatrix, hsicUnbiased, linearCka, residualCka, zeroDiagonalGram } from '../src/index.js';
import { model, windows } from './helpers.js';

function gaussian(n: number, d: number, seed: number): Float32Tensor {
  const rng = createRng(seed);
  return tensor([n, d], Array.from({ length: n * d }, () => rng.normal()));
}

/** The unbiased HSIC as its defining U-statistic over ordered quadruples of distinct samples (Song et al. 2012). */
function hsicByQuadruples(x: Float32Tensor, y: Float32Tensor): number {
  const n = x.shape[0];
  const dot = (t: Float32Tensor, i: number, j: number) => {
    const d = t.shape[1];
    let s = 0;
    for (let c = 0; c < d; c++) s += t.data[i * d + c] * t.data[j * d + c];
    return s;
  };
  let sum = 0, count = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (let q = 0; q < n; q++)
        for (let r = 0; r < n; r++) {
          if (new Set([i, j, q, r]).size < 4) continue;
          sum += dot(x, i, j) * dot(y, i, j) + dot(x, i, j) * dot(y, q, r) - 2 * dot(x, i, j) * dot(y, i, q);
          count++;
        }
  return sum / count;
}

describe('linear CKA with unbiased HSIC', () => {
  it('the closed form equals the U-statistic over distinct quadruples', async () => {
    const x = gaussian(7, 3, 1), y = gaussian(7, 2, 2);
    const k = await zeroDiagonalGram(x), l = await zeroDiagonalGram(y);
    expect(hsicUnbiased(k, l, 7)).toBeCloseTo(hsicByQuadruples(x, y), 4);
    expect(hsicUnbiased(k, k, 7)).toBeCloseTo(hsicByQuadruples(x, x), 4);
  });

  it('is 1 for the same representation up to rotation and scale, and near 0 for independent ones', async () => {
    const x = gaussian(300, 4, 3);
    // Rotate the first two coordinates by 30 degrees and scale everything by 5.
    const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
    const y = tensor(x.shape, Array.from(x.data, (v, idx) => {
      const row = Math.floor(idx / 4), col = idx % 4;
      const a = x.data[row * 4], b = x.data[row * 4 + 1];
      return 5 * (col === 0 ? c * a - s * b : col === 1 ? s * a + c * b : v);
    }));
    expect(await linearCka(x, y)).toBeCloseTo(1, 5);
    expect(Math.abs(await linearCka(x, gaussian(300, 4, 4)))).toBeLessThan(0.05);
    const m = await ckaMatrix([x, y]);
    expect(m[0][0]).toBe(1);
    expect(m[0][1]).toBeCloseTo(m[1][0], 12);
  });

  it('residual-stream CKA of a model: symmetric, unit diagonal, seeded sample', async () => {
    const mdl = model('llama', 2, 3);
    const toks = windows(4, 12, mdl.config.dVocab, 3);
    const a = await residualCka(mdl, toks, { samples: 30, rng: createRng(7), batchWindows: 3 });
    const b = await residualCka(mdl, toks, { samples: 30, rng: createRng(7) });
    expect(a.labels).toEqual(['embed', 'block 0', 'block 1', 'block 2']);
    expect(a.samples).toBe(30);
    expect(a.matrix).toEqual(b.matrix);
    for (let i = 0; i < 4; i++) {
      expect(a.matrix[i][i]).toBe(1);
      for (let j = 0; j < 4; j++) expect(a.matrix[i][j]).toBeCloseTo(a.matrix[j][i], 9);
    }
    // All 40 scored positions: the sample is every position, so the matrix equals a direct computation.
    const all = await residualCka(mdl, toks, { samples: 1000, rng: createRng(1) });
    expect(all.samples).toBe(40);
    const run = await mdl.run(toks, { cache: ['blocks.0.hook_resid_pre', 'blocks.2.hook_resid_post'] });
    const pick = (name: string) => {
      const t = run.cache.get(name), d = mdl.config.dModel, rows: number[] = [];
      for (let w = 0; w < 4; w++) for (let p = 1; p <= 10; p++) rows.push(...t.data.subarray((w * 12 + p) * d, (w * 12 + p + 1) * d));
      return tensor([40, d], rows);
    };
    expect(all.matrix[0][3]).toBeCloseTo(await linearCka(pick('blocks.0.hook_resid_pre'), pick('blocks.2.hook_resid_post')), 6);
  });
});
