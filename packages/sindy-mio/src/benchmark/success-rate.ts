/**
 * The paper's recovery protocol on the built-in systems: for each trajectory length and noise level,
 * simulate trials from perturbed initial states, add Gaussian noise (a fraction of each state's
 * standard deviation), differentiate, fit each method with its hyperparameters chosen by held-out
 * AICc, and score true positivity TP / (TP + FP + FN) against the known equations.
 */
import { createRng } from '@marr/core';
import type { TimeSeries } from '../data/time-series.js';
import { truePositivity } from '../metrics/metrics.js';
import { discoverModel, type SindyMethod } from '../model/discover.js';
import { builtinSystem, simulateSystem, trueCoefficients } from '../systems/builtin-systems.js';

export interface SuccessRateOptions {
  systems: readonly string[];
  /** Trajectory lengths as multiples of each system's reference duration. */
  lengthFactors: readonly number[];
  noiseLevels: readonly number[];
  methods: readonly SindyMethod[];
  trials: number;
  /** Library degree (default: each system's own degree). */
  degree?: number;
  kMax?: number;
  seed: number;
  timeLimitMs?: number;
  /** Called after each fit (for progress bars); return true to stop early. */
  onTrial?: () => boolean | void;
}

/** Reference durations: roughly one characteristic period of each system. */
export const REFERENCE_DURATION: Record<string, number> = {
  lorenz: 1,
  hopf: 10,
  vanderpol: 10,
  duffing: 10,
  lotka_volterra: 5,
  rossler: 10,
  cubic_oscillator: 10,
};

export interface SuccessRateCurve {
  system: string;
  method: SindyMethod;
  noise: number;
  durations: number[];
  meanTruePositivity: number[];
  successRate: number[];
  meanSeconds: number[];
  /** Share of fits whose every chosen MIO solve was proven optimal (NaN for heuristics). */
  provenRate: number[];
}

export function runSuccessRateBenchmark(options: SuccessRateOptions): SuccessRateCurve[] {
  const rng = createRng(options.seed);
  const curves: SuccessRateCurve[] = [];
  let stop = false;
  for (const name of options.systems) {
    const system = builtinSystem(name);
    const degree = options.degree ?? system.degree;
    const truth = trueCoefficients(system, degree);
    const d = system.stateNames.length;
    const ref = REFERENCE_DURATION[name] ?? 10;
    for (const noise of options.noiseLevels) {
      const perMethod = new Map(options.methods.map((m) => [m, { tp: [] as number[][], ok: [] as number[][], sec: [] as number[][], proven: [] as number[][] }]));
      for (const factor of options.lengthFactors) {
        const duration = factor * ref;
        for (const m of options.methods) {
          const acc = perMethod.get(m)!;
          acc.tp.push([]);
          acc.ok.push([]);
          acc.sec.push([]);
          acc.proven.push([]);
        }
        for (let trial = 0; trial < options.trials && !stop; trial++) {
          const x0 = system.x0.map((v) => v + 0.1 * Math.max(1, Math.abs(v)) * rng.normal());
          const clean = simulateSystem(system, duration, x0);
          const n = clean.t.length;
          const std = Array.from({ length: d }, (_, j) => {
            let mean = 0;
            for (let i = 0; i < n; i++) mean += clean.x[i * d + j];
            mean /= n;
            let v = 0;
            for (let i = 0; i < n; i++) v += (clean.x[i * d + j] - mean) ** 2;
            return Math.sqrt(v / n);
          });
          const x = Float64Array.from(clean.x, (v, idx) => v + noise * std[idx % d] * rng.normal());
          const series: TimeSeries = { stateNames: system.stateNames, trajectories: [{ t: clean.t, x }] };
          const window = Math.max(5, Math.min(11, 2 * Math.floor((n / 4 - 1) / 2) + 1));
          for (const method of options.methods) {
            const started = performance.now();
            let tp = 0;
            let proven = Number.NaN;
            try {
              const found = discoverModel(series, {
                degree,
                derivative: 'smoothed-fd',
                smoothingWindow: window,
                method,
                kMax: options.kMax ?? 5,
                timeLimitMs: options.timeLimitMs,
                simulate: false,
                seed: options.seed,
              });
              tp = truePositivity(found.model.coefficients, truth);
              if (method === 'mio') proven = found.model.optimal ? 1 : 0;
            } catch {
              tp = 0; // too few samples for the library, or a failed fit: no recovery
            }
            const acc = perMethod.get(method)!;
            acc.tp[acc.tp.length - 1].push(tp);
            acc.ok[acc.ok.length - 1].push(tp === 1 ? 1 : 0);
            acc.sec[acc.sec.length - 1].push((performance.now() - started) / 1000);
            acc.proven[acc.proven.length - 1].push(proven);
            if (options.onTrial?.()) stop = true;
          }
        }
      }
      const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN);
      for (const method of options.methods) {
        const acc = perMethod.get(method)!;
        curves.push({
          system: name,
          method,
          noise,
          durations: options.lengthFactors.map((f) => f * ref),
          meanTruePositivity: acc.tp.map(mean),
          successRate: acc.ok.map(mean),
          meanSeconds: acc.sec.map(mean),
          provenRate: acc.proven.map(mean),
        });
      }
    }
  }
  return curves;
}
