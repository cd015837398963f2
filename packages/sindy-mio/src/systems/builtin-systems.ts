/**
 * The benchmark systems of the paper and of the shared data, written as sums of monomials so their
 * true coefficients can be laid out in any polynomial library.
 */
import { polynomialExponents } from '../library/polynomial-library.js';
import { integrate } from '../model/ode-integrator.js';

/** One term c * prod_j x_j^e_j. */
export interface MonomialTerm {
  coefficient: number;
  exponents: number[];
}

export interface DynamicalSystem {
  name: string;
  description: string;
  stateNames: string[];
  /** Right-hand side of each equation as monomials. */
  equations: MonomialTerm[][];
  /** The reference initial state. */
  x0: number[];
  /** Sampling step used for benchmarks. */
  dt: number;
  /** Smallest polynomial degree containing the system. */
  degree: number;
}

const term = (coefficient: number, ...exponents: number[]): MonomialTerm => ({ coefficient, exponents });

export const BUILTIN_SYSTEMS: Record<string, DynamicalSystem> = {
  lorenz: {
    name: 'lorenz',
    description: "Lorenz (sigma 10, rho 28, beta 8/3): x0' = 10(x1 - x0), x1' = x0(28 - x2) - x1, x2' = x0 x1 - 8/3 x2",
    stateNames: ['x0', 'x1', 'x2'],
    equations: [
      [term(-10, 1, 0, 0), term(10, 0, 1, 0)],
      [term(28, 1, 0, 0), term(-1, 0, 1, 0), term(-1, 1, 0, 1)],
      [term(-8 / 3, 0, 0, 1), term(1, 1, 1, 0)],
    ],
    x0: [-8, 8, 27],
    dt: 0.002,
    degree: 2,
  },
  hopf: {
    name: 'hopf',
    description: "Hopf normal form (mu -0.05, omega 1, A 1): x0' = mu x0 - x1 - x0(x0^2 + x1^2), x1' = x0 + mu x1 - x1(x0^2 + x1^2)",
    stateNames: ['x0', 'x1'],
    equations: [
      [term(-0.05, 1, 0), term(-1, 0, 1), term(-1, 3, 0), term(-1, 1, 2)],
      [term(1, 1, 0), term(-0.05, 0, 1), term(-1, 2, 1), term(-1, 0, 3)],
    ],
    x0: [2, 0],
    dt: 0.0025,
    degree: 3,
  },
  vanderpol: {
    name: 'vanderpol',
    description: "Van der Pol (mu 0.5): x0' = x1, x1' = 0.5(1 - x0^2) x1 - x0",
    stateNames: ['x0', 'x1'],
    equations: [[term(1, 0, 1)], [term(-1, 1, 0), term(0.5, 0, 1), term(-0.5, 2, 1)]],
    x0: [1, 0],
    dt: 0.01,
    degree: 3,
  },
  duffing: {
    name: 'duffing',
    description: "Duffing (damped, unforced): x0' = x1, x1' = -0.2 x1 - 0.05 x0 - x0^3",
    stateNames: ['x0', 'x1'],
    equations: [[term(1, 0, 1)], [term(-0.05, 1, 0), term(-0.2, 0, 1), term(-1, 3, 0)]],
    x0: [2, 0],
    dt: 0.01,
    degree: 3,
  },
  lotka_volterra: {
    name: 'lotka_volterra',
    description: "Lotka-Volterra: x0' = x0 - 10 x0 x1, x1' = 10 x0 x1 - 2 x1",
    stateNames: ['x0', 'x1'],
    equations: [
      [term(1, 1, 0), term(-10, 1, 1)],
      [term(-2, 0, 1), term(10, 1, 1)],
    ],
    x0: [0.8, 0.4],
    dt: 0.01,
    degree: 2,
  },
  rossler: {
    name: 'rossler',
    description: "Rossler (a = b = 0.2, c = 5.7): x0' = -x1 - x2, x1' = x0 + 0.2 x1, x2' = 0.2 + x0 x2 - 5.7 x2",
    stateNames: ['x0', 'x1', 'x2'],
    equations: [
      [term(-1, 0, 1, 0), term(-1, 0, 0, 1)],
      [term(1, 1, 0, 0), term(0.2, 0, 1, 0)],
      [term(0.2, 0, 0, 0), term(-5.7, 0, 0, 1), term(1, 1, 0, 1)],
    ],
    x0: [5, 3, 0],
    dt: 0.01,
    degree: 2,
  },
  cubic_oscillator: {
    name: 'cubic_oscillator',
    description: "Cubic damped oscillator (Brunton 2016): x0' = -0.1 x0^3 + 2 x1^3, x1' = -2 x0^3 - 0.1 x1^3",
    stateNames: ['x0', 'x1'],
    equations: [
      [term(-0.1, 3, 0), term(2, 0, 3)],
      [term(-2, 3, 0), term(-0.1, 0, 3)],
    ],
    x0: [2, 0],
    dt: 0.01,
    degree: 3,
  },
};

export function builtinSystem(name: string): DynamicalSystem {
  const sys = BUILTIN_SYSTEMS[name];
  if (!sys) throw new Error(`unknown system "${name}"; choose one of ${Object.keys(BUILTIN_SYSTEMS).join(', ')}`);
  return sys;
}

/** True coefficients laid out in the polynomial library of `degree` (rows = equations). */
export function trueCoefficients(system: DynamicalSystem, degree: number, includeBias = true): number[][] {
  const exps = polynomialExponents(system.stateNames.length, degree, includeBias);
  const key = (e: readonly number[]): string => e.join(',');
  const index = new Map(exps.map((e, j) => [key(e), j]));
  return system.equations.map((eq) => {
    const row = new Array<number>(exps.length).fill(0);
    for (const t of eq) {
      const j = index.get(key(t.exponents));
      if (j === undefined) throw new Error(`trueCoefficients: ${system.name} needs degree >= ${system.degree}, got ${degree}`);
      row[j] += t.coefficient;
    }
    return row;
  });
}

/** Evaluates the system's right-hand side. */
export function systemRhs(system: DynamicalSystem): (t: number, x: Float64Array, out: Float64Array) => void {
  return (_t, x, out) => {
    system.equations.forEach((eq, i) => {
      let s = 0;
      for (const term of eq) {
        let v = term.coefficient;
        term.exponents.forEach((e, j) => {
          for (let r = 0; r < e; r++) v *= x[j];
        });
        s += v;
      }
      out[i] = s;
    });
  };
}

/** Samples a trajectory: n = round(duration / dt) + 1 points from x0 (default the system's). */
export function simulateSystem(system: DynamicalSystem, duration: number, x0: readonly number[] = system.x0, dt = system.dt): { t: Float64Array; x: Float64Array } {
  const n = Math.round(duration / dt) + 1;
  const t = Float64Array.from({ length: n }, (_, i) => i * dt);
  const res = integrate(systemRhs(system), x0, t, { rtol: 1e-10, atol: 1e-10 });
  if (!res.success) throw new Error(`simulateSystem(${system.name}): ${res.message}`);
  return { t, x: res.x };
}
