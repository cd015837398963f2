import { describe, expect, it } from 'vitest';
import { constrainedBestSubset, constrainedFit } from '../src/constrained/constrained-best-subset.js';
import { gramProblem } from '../src/problem/gram-problem.js';
import { plantedInstance } from './random-instances.js';
import { designMatrix } from '../src/problem/design-matrix.js';

/** All supports of size <= k of 0..p-1. */
function subsets(p: number, k: number): number[][] {
  const out: number[][] = [[]];
  const rec = (startAt: number, cur: number[]): void => {
    for (let j = startAt; j < p; j++) {
      const next = [...cur, j];
      out.push(next);
      if (next.length < k) rec(j + 1, next);
    }
  };
  if (k > 0) rec(0, []);
  return out;
}

describe('constrainedBestSubset against enumeration of every joint support', () => {
  const cases = [1, 2, 3, 4, 5].map((seed) => ({ seed, p: 5 + (seed % 2), k: 1 + (seed % 3) }));
  it.each(cases)('seed $seed: two targets, p=$p, k=$k, coupling constraints', ({ seed, p, k }) => {
    const a = plantedInstance(200 + seed, 40, p, 2, 0.5);
    const b = plantedInstance(300 + seed, 40, p, 2, 0.5);
    // Same design for both targets (SINDy: one library, several derivatives).
    const problems = [gramProblem(a.x, a.y, 0.1), gramProblem(a.x, b.y, 0.1)];
    const lhs = [new Array(2 * p).fill(0), new Array(2 * p).fill(0)];
    lhs[0][0] = 1; lhs[0][p + 1] = 1; // xi_0[0] + xi_1[1] = 0.5
    lhs[1][2] = 1; lhs[1][3] = -1; // xi_0[2] = xi_0[3]
    const constraints = { lhs, rhs: [0.5, 0] };
    let best = Infinity;
    for (const s0 of subsets(p, k)) for (const s1 of subsets(p, k)) {
      const active = [...s0, ...s1.map((j) => p + j)];
      best = Math.min(best, constrainedFit(problems, constraints, active).objective);
    }
    const res = constrainedBestSubset(problems, { constraints, k });
    expect(res.status).toBe('optimal');
    expect(res.optimal).toBe(true);
    expect(res.objective).toBeCloseTo(best, 8);
    expect(res.lowerBound).toBeLessThanOrEqual(best * (1 + 1e-9));
    // The constraints hold at the solution.
    const xi = [...res.coefficients[0], ...res.coefficients[1]];
    lhs.forEach((row, r) => expect(row.reduce((acc, c, v) => acc + c * xi[v], 0)).toBeCloseTo(constraints.rhs[r], 8));
    for (const s of res.supports) expect(s.length).toBeLessThanOrEqual(k);
  });

  it('reports infeasibility when the constraints need more terms than the budget allows', () => {
    const x = designMatrix(4, 2, [1, 0, 0, 1, 1, 1, 2, 1]);
    const problems = [gramProblem(x, [1, 2, 3, 4], 0.1)];
    // xi[0] = 1 and xi[1] = 1 cannot both hold with one nonzero.
    const res = constrainedBestSubset(problems, { constraints: { lhs: [[1, 0], [0, 1]], rhs: [1, 1] }, k: 1 });
    expect(res.status).toBe('infeasible');
    expect(res.optimal).toBe(false);
  });

  it('checks the constraint shape', () => {
    const x = designMatrix(3, 2, [1, 0, 0, 1, 1, 1]);
    expect(() => constrainedBestSubset([gramProblem(x, [1, 2, 3], 0.1)], { constraints: { lhs: [[1, 0, 0]], rhs: [0] }, k: 1 })).toThrow(
      /expected targets x features = 2/,
    );
  });
});
