/**
 * An adaptive Runge-Kutta integrator (Dormand-Prince 5(4), the method behind scipy's RK45 and MATLAB's
 * ode45) with standard error control. Used to simulate discovered models and the built-in benchmark
 * systems. Hand-written: a few dozen lines, and the JavaScript ODE packages on npm are either
 * unmaintained or fixed-step.
 */

export type VectorField = (t: number, x: Float64Array, out: Float64Array) => void;

export interface IntegrateOptions {
  rtol?: number;
  atol?: number;
  /** Give up after this many steps (default 1e6). */
  maxSteps?: number;
}

export interface IntegrateResult {
  /** States at the requested times, row-major times x dimension. */
  x: Float64Array;
  /** False when the solution blew up or the step size collapsed before the last time. */
  success: boolean;
  /** Number of requested times reached. */
  reached: number;
  message: string;
}

const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const B5 = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const B4 = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

export function integrate(f: VectorField, x0: ArrayLike<number>, times: ArrayLike<number>, options: IntegrateOptions = {}): IntegrateResult {
  const d = x0.length;
  const n = times.length;
  const rtol = options.rtol ?? 1e-9;
  const atol = options.atol ?? 1e-12;
  const maxSteps = options.maxSteps ?? 1_000_000;
  const out = new Float64Array(n * d);
  if (n === 0) return { x: out, success: true, reached: 0, message: 'no times' };
  for (let i = 1; i < n; i++) if (!(times[i] > times[i - 1])) throw new Error(`integrate: times must be strictly increasing (index ${i})`);
  let x = Float64Array.from(x0);
  out.set(x, 0);
  let t = times[0];
  const k = Array.from({ length: 7 }, () => new Float64Array(d));
  const tmp = new Float64Array(d);
  const x5 = new Float64Array(d);
  f(t, x, k[0]);
  let h = Math.min(times[n - 1] - t, 1e-3 * Math.max(1e-3, times[n - 1] - t));
  let steps = 0;
  for (let target = 1; target < n; target++) {
    const tEnd = times[target];
    while (t < tEnd) {
      if (++steps > maxSteps) return { x: out, success: false, reached: target, message: `step limit reached at t = ${t}` };
      const hStep = Math.min(h, tEnd - t);
      for (let s = 1; s < 7; s++) {
        for (let j = 0; j < d; j++) {
          let v = x[j];
          for (let r = 0; r < s; r++) v += hStep * A[s][r] * k[r][j];
          tmp[j] = v;
        }
        f(t + C[s] * hStep, tmp, k[s]);
      }
      let err = 0;
      for (let j = 0; j < d; j++) {
        let v5 = x[j];
        let e = 0;
        for (let s = 0; s < 7; s++) {
          v5 += hStep * B5[s] * k[s][j];
          e += hStep * (B5[s] - B4[s]) * k[s][j];
        }
        x5[j] = v5;
        const sc = atol + rtol * Math.max(Math.abs(x[j]), Math.abs(v5));
        err = Math.max(err, Math.abs(e) / sc);
      }
      if (!Number.isFinite(err)) {
        if (hStep < 1e-14 * Math.max(1, Math.abs(t))) return { x: out, success: false, reached: target, message: `solution blew up near t = ${t}` };
        h = hStep / 10;
        continue;
      }
      if (err <= 1) {
        t += hStep;
        x = Float64Array.from(x5);
        // FSAL: the last stage is f at the new point.
        k[0].set(k[6]);
        const grow = err === 0 ? 5 : Math.min(5, 0.9 * err ** -0.2);
        h = hStep * grow;
        if (x.some((v) => !Number.isFinite(v) || Math.abs(v) > 1e12)) {
          return { x: out, success: false, reached: target, message: `solution diverged near t = ${t}` };
        }
      } else {
        h = hStep * Math.max(0.1, 0.9 * err ** -0.2);
        if (h < 1e-14 * Math.max(1, Math.abs(t))) return { x: out, success: false, reached: target, message: `step size collapsed at t = ${t}` };
      }
    }
    out.set(x, target * d);
  }
  return { x: out, success: true, reached: n, message: 'ok' };
}
