import { createRng } from '@marr/core';
import { describe, expect, it } from 'vitest';
import { logitStats, type LogitStats } from '../src/ablation/logit-pass.js';
import { logitStatsBlock } from '../src/ablation/logit-stats-batch.js';

describe('the logit-statistics kernels', () => {
  it('the ONNX Runtime block equals the float64 pass, which equals log-softmax written out', async () => {
    const rng = createRng(3);
    const M = 3, C = 5, V = 97;
    const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());
    const Z = rand(C * V, 4), U = rand(M * V, 2), b = rand(V, 0.5), f = rand(V), a = rand(M * C, 0.3).map((x) => 1 + x), k = rand(M * C), e = rand(M * C);
    for (const withF of [false, true]) {
      const got = await logitStatsBlock({ Z, U, a, k, b, M, C, V, ...(withF ? { f, e } : {}) });
      const st: LogitStats = { lse: 0, entropy: 0, argmax: 0, target: 0 };
      for (let m = 0; m < M; m++)
        for (let c = 0; c < C; c++) {
          const i = m * C + c;
          const x = Float64Array.from({ length: V }, (_, v) => a[i] * Z[c * V + v] + k[i] * U[m * V + v] + b[v] + (withF ? e[i] * f[v] : 0));
          const mx = Math.max(...x);
          const lse = mx + Math.log(x.reduce((s, y) => s + Math.exp(y - mx), 0));
          const h = -x.reduce((s, y) => s + Math.exp(y - lse) * (y - lse), 0);
          logitStats(Z, c * V, U, m * V, b, withF ? f : null, a[i], k[i], withF ? e[i] : 0, V, 7, st);
          expect(st.lse).toBeCloseTo(lse, 9);
          expect(st.entropy).toBeCloseTo(h, 9);
          expect(st.target).toBeCloseTo(x[7], 9);
          expect(st.argmax).toBe(x.indexOf(mx));
          expect(got.lse[i]).toBeCloseTo(lse, 4);
          expect(got.entropy[i]).toBeCloseTo(h, 4);
          expect(got.argmax[i]).toBe(x.indexOf(mx));
        }
    }
  });
});
