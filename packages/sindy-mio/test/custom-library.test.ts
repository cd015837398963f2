import { describe, expect, it } from 'vitest';
import { concatLibraries, customLibrary } from '../src/library/feature-library.js';
import { fourierLibrary } from '../src/library/fourier-library.js';
import { polynomialLibrary } from '../src/library/polynomial-library.js';
import { fitSindy } from '../src/model/fit-sindy.js';
import { integrate } from '../src/model/ode-integrator.js';
import { mioRegressor } from '../src/optimizers/mio.js';

describe('custom libraries', () => {
  it('Fourier and user-function terms have readable names and the right values', () => {
    const lib = concatLibraries(polynomialLibrary({ degree: 1 }), fourierLibrary(2, 2), customLibrary([{ name: (n) => `exp(${n[0]})`, evaluate: (s) => Math.exp(s[0]) }]));
    expect(lib.names(['a', 'b'])).toEqual(['1', 'a', 'b', 'sin(a)', 'cos(a)', 'sin(b)', 'cos(b)', 'sin(2 a)', 'cos(2 a)', 'sin(2 b)', 'cos(2 b)', 'exp(a)']);
    expect(lib.size(2)).toBe(12);
    const m = lib.transform(Float64Array.from([0.3, -1.2]), 1, 2);
    expect(Array.from(m.data)).toEqual([1, 0.3, -1.2, Math.sin(0.3), Math.cos(0.3), Math.sin(-1.2), Math.cos(-1.2), Math.sin(0.6), Math.cos(0.6), Math.sin(-2.4), Math.cos(-2.4), Math.exp(0.3)]);
  });

  it('MIO recovers a damped pendulum (x0\' = x1, x1\' = -sin x0 - 0.2 x1) from polynomial + Fourier terms', () => {
    const t = Float64Array.from({ length: 2001 }, (_, i) => i * 0.01);
    const sim = integrate((_t, x, out) => { out[0] = x[1]; out[1] = -Math.sin(x[0]) - 0.2 * x[1]; }, [2.5, 0], t, { rtol: 1e-11, atol: 1e-12 });
    expect(sim.success).toBe(true);
    const library = concatLibraries(polynomialLibrary({ degree: 2 }), fourierLibrary(2, 1));
    const model = fitSindy({ stateNames: ['x0', 'x1'], trajectories: [{ t, x: sim.x }] }, { library, derivative: 'fd', regressor: mioRegressor({ totalK: 3 }) });
    const names = model.featureNames;
    const terms = model.coefficients.map((row) => row.flatMap((c, j) => (c !== 0 ? [names[j]] : [])));
    expect(terms).toEqual([['x1'], ['x1', 'sin(x0)']]);
    expect(model.coefficients[1][names.indexOf('sin(x0)')]).toBeCloseTo(-1, 3);
    expect(model.coefficients[1][names.indexOf('x1')]).toBeCloseTo(-0.2, 3);
    expect(model.optimal).toBe(true);
  });
});
