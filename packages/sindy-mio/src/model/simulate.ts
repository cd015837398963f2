/** Simulating a discovered model from an initial state with the adaptive integrator. */
import { integrate, type IntegrateOptions, type IntegrateResult } from './ode-integrator.js';
import type { SindyModel } from './fit-sindy.js';

export function simulateModel(model: SindyModel, x0: ArrayLike<number>, times: ArrayLike<number>, options: IntegrateOptions = {}): IntegrateResult {
  const d = model.stateNames.length;
  if (x0.length !== d) throw new Error(`simulateModel: x0 has ${x0.length} values for ${d} states`);
  // Sparse form of the model: per equation, the nonzero (feature, coefficient) pairs.
  const active = model.coefficients.map((row) => row.map((c, j) => [j, c] as const).filter(([, c]) => c !== 0));
  const used = [...new Set(active.flatMap((a) => a.map(([j]) => j)))];
  const p = model.featureNames.length;
  const feats = new Float64Array(p);
  const f = (_t: number, x: Float64Array, out: Float64Array): void => {
    const theta = model.library.transform(x, 1, d);
    for (const j of used) feats[j] = theta.data[j];
    for (let e = 0; e < d; e++) {
      let s = 0;
      for (const [j, c] of active[e]) s += c * feats[j];
      out[e] = s;
    }
  };
  return integrate(f, x0, times, { rtol: 1e-8, atol: 1e-10, maxSteps: 200_000, ...options });
}
