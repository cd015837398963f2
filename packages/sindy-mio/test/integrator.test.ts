import { describe, expect, it } from 'vitest';
import { integrate } from '../src/model/ode-integrator.js';
import { finiteDifference } from '../src/differentiation/finite-difference.js';
import { savitzkyGolayWeights } from '../src/differentiation/savitzky-golay.js';
import { polynomialExponents } from '../src/library/polynomial-library.js';
import { truePositivity, coefficientError, rSquared } from '../src/metrics/metrics.js';
import { aicc } from '../src/selection/aicc.js';

describe('adaptive RK45 integrator against closed forms', () => {
  it('exponential decay and the harmonic oscillator', () => {
    const t = Float64Array.from({ length: 101 }, (_, i) => i * 0.1);
    const decay = integrate((_t, x, out) => (out[0] = -0.7 * x[0]), [2], t, { rtol: 1e-10, atol: 1e-12 });
    t.forEach((ti, i) => expect(decay.x[i]).toBeCloseTo(2 * Math.exp(-0.7 * ti), 8));
    const osc = integrate((_t, x, out) => { out[0] = x[1]; out[1] = -x[0]; }, [1, 0], t, { rtol: 1e-10, atol: 1e-12 });
    t.forEach((ti, i) => {
      expect(osc.x[2 * i]).toBeCloseTo(Math.cos(ti), 8);
      expect(osc.x[2 * i + 1]).toBeCloseTo(-Math.sin(ti), 8);
    });
  });

  it('reports a blow-up instead of returning garbage', () => {
    // x' = x^2 from x(0) = 1 blows up at t = 1.
    const res = integrate((_t, x, out) => (out[0] = x[0] * x[0]), [1], [0, 0.5, 2]);
    expect(res.success).toBe(false);
    expect(res.reached).toBe(2);
  });
});

describe('differentiation and library details', () => {
  it('finite differences are exact for quadratics on irregular grids', () => {
    const t = [0, 0.1, 0.25, 0.3, 0.5, 0.8];
    const x = Float64Array.from(t, (v) => 3 * v * v - v + 2);
    const dx = finiteDifference(x, t, 1);
    t.forEach((v, i) => expect(dx[i]).toBeCloseTo(6 * v - 1, 10));
  });

  it('Savitzky-Golay weights equal the published 5-point quadratic smoother (-3, 12, 17, 12, -3)/35', () => {
    const w = savitzkyGolayWeights(5, 2);
    [-3, 12, 17, 12, -3].forEach((v, i) => expect(w[i]).toBeCloseTo(v / 35, 12));
  });

  it('library sizes are binomial(d + K, K)', () => {
    expect(polynomialExponents(3, 5)).toHaveLength(56);
    expect(polynomialExponents(2, 3)).toHaveLength(10);
    expect(polynomialExponents(3, 2, false)).toHaveLength(9);
  });
});

describe('metrics', () => {
  it('true positivity, coefficient error, R^2 and AICc by hand', () => {
    const truth = [[0, 1, 2], [3, 0, 0]];
    expect(truePositivity(truth, truth)).toBe(1);
    expect(truePositivity([[0, 1, 0], [3, 0, 5]], truth)).toBeCloseTo(2 / 4, 12); // TP 2, FP 1, FN 1
    expect(coefficientError([[0, 1, 2], [3, 0, 0]], truth)).toBe(0);
    expect(coefficientError([[0, 2, 2], [3, 0, 0]], truth)).toBeCloseTo(1 / Math.sqrt(14), 12);
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([2, 2, 2], [1, 2, 3])).toBe(0);
    expect(aicc(10, 100, 3)).toBeCloseTo(6 + 100 * Math.log(0.1) + (2 * 4 * 5) / 95, 12);
  });
});
