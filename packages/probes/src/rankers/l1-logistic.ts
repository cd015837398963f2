/**
 * L1-regularised, class-weighted logistic regression (the paper's "lr" ranker: C = 0.1, balanced),
 *
 *   min over (beta, b)  sum_i w_i log(1 + exp(-y_i (x_i . beta + b)))  +  ||beta||_1 / C,
 *
 * solved by accelerated proximal gradient (FISTA with backtracking and restarts); features are ranked
 * by |beta_j|. Hand-written because no maintained JavaScript package fits L1 logistic regression with
 * sample weights; FISTA is short and its optimality is checked by the KKT conditions in the tests.
 */
import { balancedClassWeights, sigmoid, softplus, type DesignMatrix } from '@marr/sparse-regression';

export interface L1LogisticOptions {
  /** Inverse L1 strength (default 0.1, as the paper). */
  C?: number;
  /** Per-example weights (default balanced). */
  weights?: ArrayLike<number>;
  /** Stop when the KKT violation is below tolerance * total weight (default 1e-6). */
  tolerance?: number;
  maxIterations?: number;
}

export interface L1LogisticFit {
  coefficients: Float64Array;
  intercept: number;
  objective: number;
  iterations: number;
  /** Largest violation of the optimality conditions at the answer, relative to the total weight. */
  kktViolation: number;
}

export function fitL1Logistic(x: DesignMatrix, labels: ArrayLike<number>, options: L1LogisticOptions = {}): L1LogisticFit {
  const { rows: n, cols: p, data } = x;
  if (labels.length !== n) throw new Error(`fitL1Logistic: ${labels.length} labels for ${n} rows`);
  const C = options.C ?? 0.1;
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`fitL1Logistic: C must be finite and > 0, got ${C}`);
  const lambda = 1 / C;
  const w = options.weights ? Float64Array.from(options.weights) : balancedClassWeights(labels);
  const y = Float64Array.from(labels, (v) => (v ? 1 : -1));
  const tol = options.tolerance ?? 1e-6;
  const maxIterations = options.maxIterations ?? 5000;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += w[i];

  const z = new Float64Array(n);
  const smooth = (beta: Float64Array, b: number, grad: Float64Array | null): number => {
    let f = 0;
    if (grad) grad.fill(0);
    for (let i = 0; i < n; i++) {
      let s = b;
      const off = i * p;
      for (let j = 0; j < p; j++) if (beta[j] !== 0) s += data[off + j] * beta[j];
      const m = y[i] * s;
      f += w[i] * softplus(-m);
      z[i] = -w[i] * y[i] * sigmoid(-m);
    }
    if (grad) {
      for (let i = 0; i < n; i++) {
        const zi = z[i];
        const off = i * p;
        for (let j = 0; j < p; j++) grad[j] += zi * data[off + j];
        grad[p] += zi;
      }
    }
    return f;
  };
  const l1 = (beta: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < p; j++) s += Math.abs(beta[j]);
    return lambda * s;
  };
  const kkt = (beta: Float64Array, grad: Float64Array): number => {
    let v = Math.abs(grad[p]);
    for (let j = 0; j < p; j++) {
      const g = grad[j];
      v = Math.max(v, beta[j] === 0 ? Math.max(0, Math.abs(g) - lambda) : Math.abs(g + lambda * Math.sign(beta[j])));
    }
    return v / totalWeight;
  };

  // theta = (beta, b); extrapolated point v.
  let theta = new Float64Array(p + 1);
  let prev = new Float64Array(p + 1);
  const v = new Float64Array(p + 1);
  const gv = new Float64Array(p + 1);
  const trial = new Float64Array(p + 1);
  const gradTheta = new Float64Array(p + 1);
  let L = totalWeight / 4; // a first guess; backtracking raises it as needed
  let t = 1;
  let objective = smooth(theta.subarray(0, p) as Float64Array, 0, null) + 0;
  let iterations = 0;
  let violation = Infinity;
  for (; iterations < maxIterations; iterations++) {
    const fv = smooth(v.subarray(0, p) as Float64Array, v[p], gv);
    for (;;) {
      for (let j = 0; j < p; j++) {
        const u = v[j] - gv[j] / L;
        const thr = lambda / L;
        trial[j] = u > thr ? u - thr : u < -thr ? u + thr : 0;
      }
      trial[p] = v[p] - gv[p] / L;
      const ft = smooth(trial.subarray(0, p) as Float64Array, trial[p], null);
      let quad = fv;
      for (let j = 0; j <= p; j++) {
        const d = trial[j] - v[j];
        quad += gv[j] * d + (L / 2) * d * d;
      }
      if (ft <= quad + 1e-12 * Math.abs(quad)) break;
      L *= 2;
    }
    const next = smooth(trial.subarray(0, p) as Float64Array, trial[p], gradTheta) + l1(trial);
    prev = theta;
    theta = Float64Array.from(trial);
    violation = kkt(theta, gradTheta);
    if (violation <= tol) {
      objective = next;
      iterations++;
      break;
    }
    // Restart the momentum when the objective goes up (O'Donoghue & Candes).
    const restart = next > objective;
    objective = next;
    const tNext = restart ? 1 : (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = restart ? 0 : (t - 1) / tNext;
    for (let j = 0; j <= p; j++) v[j] = theta[j] + momentum * (theta[j] - prev[j]);
    t = tNext;
    L *= 0.9; // let the step grow again
  }
  return { coefficients: theta.slice(0, p), intercept: theta[p], objective, iterations, kktViolation: violation };
}

export function l1LogisticScores(x: DesignMatrix, labels: ArrayLike<number>, options: L1LogisticOptions = {}): Float64Array {
  const fit = fitL1Logistic(x, labels, options);
  return fit.coefficients.map(Math.abs);
}
