/**
 * Weighted, L2-regularised binary logistic regression on a support of columns, solved by Newton's
 * method with a backtracking line search:
 *
 *   min over (beta_S, b)  sum_i w_i log(1 + exp(-y_i (x_iS . beta_S + b)))  +  ||beta_S||^2 / (2 C),
 *
 * with y_i in {-1, +1} and the intercept b unpenalised. C plays the role of scikit-learn's C
 * (C * loss + ||beta||^2 / 2 has the same minimiser); C = Infinity is plain maximum likelihood.
 *
 * Hand-written rather than taken from a library because there is no maintained JavaScript logistic
 * regression with sample weights, an unpenalised intercept and the dual variables we need (the outer
 * approximation uses a_i = w_i sigma(-m_i) as its gradient certificate), and the supports are tiny
 * (k <= a few dozen), where a dense Newton step is both the fastest and the most accurate method.
 */
import { backSubstitute, choleskyFactor, forwardSubstitute } from '../linalg/cholesky.js';
import type { DesignMatrix } from '../problem/design-matrix.js';
import { exampleWeights, signedLabels } from './binary-labels.js';

export interface LogisticOptions {
  /** Inverse L2 strength (default 1); Infinity for no penalty. */
  C?: number;
  /** Per-example weights (default 1 each), e.g. balancedClassWeights(labels). */
  weights?: ArrayLike<number>;
  /** Columns to use (default all). */
  support?: readonly number[];
  /** Stop when the gradient's largest entry is below tolerance * (1 + total weight) (default 1e-10). */
  tolerance?: number;
  maxIterations?: number;
  /** Where Newton starts (default all zeros): full-length coefficients (off-support entries ignored) and the intercept. */
  start?: { coefficients: ArrayLike<number>; intercept: number };
  /**
   * Stop as soon as a certified lower bound on the optimum reaches this value (finite C only): the fit
   * then returns with `stoppedEarly` and that bound, its coefficients are not the optimum. Enumeration
   * passes its incumbent here, since a support whose optimum cannot beat it need not be solved.
   */
  stopAbove?: number;
}

export interface LogisticFit {
  /** Full-length coefficients (zeros off the support). */
  coefficients: Float64Array;
  intercept: number;
  /** The penalised objective at the solution. */
  objective: number;
  /** Dual variables a_i = w_i sigma(-m_i) (the weighted residuals); sum_i a_i y_i = 0 at the optimum. */
  dual: Float64Array;
  iterations: number;
  converged: boolean;
  /**
   * A certified lower bound on the optimum: the Fenchel dual at the last iterate's duals made feasible
   * (see `dualLowerBound`) when the fit stopped early, else `objective` (optimal to the tolerance).
   */
  lowerBound: number;
  /** True when `stopAbove` ended the fit: the optimum is at least `lowerBound` >= stopAbove. */
  stoppedEarly: boolean;
}

export function softplus(z: number): number {
  // log(1 + e^z) without overflow.
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** sigma(-m) from m and exp(-|m|). */
function sigmoidNeg(m: number, e: number): number {
  return m >= 0 ? e / (1 + e) : 1 / (1 + e);
}

/** softplus(-m) = log(1 + exp(-m)) from m and exp(-|m|). */
function softplusNeg(m: number, e: number): number {
  return (m >= 0 ? 0 : -m) + Math.log1p(e);
}

/** Options of one fit on a prepared problem. */
export type LogisticFitOptions = Pick<LogisticOptions, 'support' | 'tolerance' | 'maxIterations' | 'start' | 'stopAbove'>;

/**
 * One data set prepared for many fits on different supports (the sparse classifiers fit thousands):
 * labels and weights checked once, the columns stored contiguously (column-major), work buffers reused.
 */
export interface LogisticProblem {
  readonly rows: number;
  readonly cols: number;
  /** The inverse L2 strength every fit uses. */
  readonly C: number;
  fit(options?: LogisticFitOptions): LogisticFit;
}

/** Prepares `x`, `labels` and the weights for repeated fits (see LogisticProblem). */
export function logisticProblem(x: DesignMatrix, labels: ArrayLike<number | boolean>, options: Pick<LogisticOptions, 'C' | 'weights'> = {}): LogisticProblem {
  const { rows: n, cols: p, data } = x;
  if (labels.length !== n) throw new Error(`fitLogisticRegression: ${labels.length} labels for ${n} rows; give one label per row`);
  const y = signedLabels(labels, 'fitLogisticRegression');
  const w = exampleWeights(n, options.weights, 'fitLogisticRegression');
  const C = options.C ?? 1;
  if (!(C > 0)) throw new Error(`fitLogisticRegression: C must be > 0 (or Infinity), got ${C}`);
  const invC = Number.isFinite(C) ? 1 / C : 0;
  let totalWeight = 0;
  for (let i = 0; i < n; i++) totalWeight += w[i];
  // Column j is columns[j * n .. (j + 1) * n): every pass over a support reads contiguous memory.
  const columns = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) columns[j * n + i] = data[i * p + j];
  const column = (j: number): Float64Array => columns.subarray(j * n, (j + 1) * n);
  // Work buffers shared by every fit (fits run one at a time).
  const wy = new Float64Array(n);
  for (let i = 0; i < n; i++) wy[i] = w[i] * y[i];
  let margins = new Float64Array(n);
  let expNegAbs = new Float64Array(n);
  let losses = new Float64Array(n); // softplus(-m_i)
  let trialMargins = new Float64Array(n);
  let trialExp = new Float64Array(n);
  let trialLosses = new Float64Array(n);
  const lin = new Float64Array(n);
  const gw = new Float64Array(n); // -w_i y_i sigma(-m_i)
  const hw = new Float64Array(n); // w_i sigma(-m_i) sigma(m_i)

  /** margins = y (b + X_S beta), exp(-|m|) and the losses softplus(-m); returns the penalised objective. */
  const evaluate = (cols: Float64Array[], t: Float64Array, m: Float64Array, e: Float64Array, loss: Float64Array): number => {
    const k = cols.length;
    lin.fill(t[k]);
    for (let r = 0; r < k; r++) {
      const c = cols[r];
      const tr = t[r];
      if (tr !== 0) for (let i = 0; i < n; i++) lin[i] += tr * c[i];
    }
    let f = 0;
    for (let i = 0; i < n; i++) {
      const mi = y[i] * lin[i];
      m[i] = mi;
      const ei = Math.exp(-Math.abs(mi));
      e[i] = ei;
      const li = softplusNeg(mi, ei);
      loss[i] = li;
      f += w[i] * li;
    }
    let pen = 0;
    for (let r = 0; r < k; r++) pen += t[r] * t[r];
    return f + 0.5 * invC * pen;
  };
  // The Fenchel dual at a_i = w_i sigma(-m_i), made feasible (sum a_i y_i = 0) by scaling down the class
  // with the larger total: a certified lower bound on the optimum (see the oracle's module comment).
  const dualLowerBound = (cols: Float64Array[]): number => {
    const k = cols.length;
    let pos = 0;
    let neg = 0;
    for (let i = 0; i < n; i++) {
      const a = w[i] * sigmoidNeg(margins[i], expNegAbs[i]);
      if (y[i] > 0) pos += a;
      else neg += a;
    }
    const scalePos = pos > neg ? neg / pos : 1;
    const scaleNeg = neg > pos ? pos / neg : 1;
    const logScalePos = Math.log(scalePos);
    const logScaleNeg = Math.log(scaleNeg);
    let entropy = 0;
    for (let i = 0; i < n; i++) {
      if (w[i] === 0) {
        lin[i] = 0;
        continue;
      }
      const mi = margins[i];
      const ei = expNegAbs[i];
      const alpha = sigmoidNeg(mi, ei);
      const scale = y[i] > 0 ? scalePos : scaleNeg;
      let h: number;
      const spNeg = losses[i];
      if (scale === 1) {
        // h(sigma(-m)) = sigma(-m) softplus(m) + sigma(m) softplus(-m), softplus(m) = softplus(-m) + m.
        h = alpha * (spNeg + mi) + (1 - alpha) * spNeg;
      } else {
        // a = scale sigma(-m): -a log a - (1 - a) log(1 - a), with log sigma(-m) = -softplus(m).
        const a = scale * alpha;
        h = a > 0 && a < 1 ? -a * ((y[i] > 0 ? logScalePos : logScaleNeg) - spNeg - mi) - (1 - a) * Math.log1p(-a) : 0;
      }
      entropy += w[i] * h;
      lin[i] = wy[i] * scale * alpha;
    }
    let vv = 0;
    for (let r = 0; r < k; r++) {
      const c = cols[r];
      let v = 0;
      for (let i = 0; i < n; i++) v += lin[i] * c[i];
      vv += v * v;
    }
    return entropy - 0.5 * C * vv;
  };

  const fit = (fitOptions: LogisticFitOptions = {}): LogisticFit => {
    const support = fitOptions.support ? [...fitOptions.support] : Array.from({ length: p }, (_, j) => j);
    for (const j of support) {
      if (!Number.isInteger(j) || j < 0 || j >= p) throw new Error(`fitLogisticRegression: support column ${j} is outside 0..${p - 1}`);
    }
    const k = support.length;
    const d = k + 1; // coefficients then intercept
    const tol = fitOptions.tolerance ?? 1e-10;
    const maxIterations = fitOptions.maxIterations ?? 100;
    const stopAbove = Number.isFinite(C) ? fitOptions.stopAbove : undefined;
    const cols = support.map(column);
    const theta = new Float64Array(d);
    if (fitOptions.start) {
      const { coefficients: c0, intercept: b0 } = fitOptions.start;
      if (c0.length !== p) throw new Error(`fitLogisticRegression: start has ${c0.length} coefficients for ${p} columns`);
      for (let r = 0; r < k; r++) theta[r] = c0[support[r]];
      theta[k] = b0;
      for (let r = 0; r < d; r++) if (!Number.isFinite(theta[r])) throw new Error('fitLogisticRegression: start has a non-finite value');
    }
    let objective = evaluate(cols, theta, margins, expNegAbs, losses);
    let iterations = 0;
    let converged = false;
    let stoppedEarly = false;
    let lowerBound = -Infinity;
    const grad = new Float64Array(d);
    const hess = new Float64Array(d * d);
    const trial = new Float64Array(d);
    for (; iterations < maxIterations; iterations++) {
      let gb = 0;
      let hb = 0;
      for (let i = 0; i < n; i++) {
        const q = sigmoidNeg(margins[i], expNegAbs[i]); // sigma(-m)
        const g = -wy[i] * q;
        const h = w[i] * q * (1 - q);
        gw[i] = g;
        hw[i] = h;
        gb += g;
        hb += h;
      }
      grad[k] = gb;
      hess[k * d + k] = hb;
      for (let r = 0; r < k; r++) {
        const cr = cols[r];
        let g = 0;
        let hrb = 0;
        for (let i = 0; i < n; i++) {
          g += gw[i] * cr[i];
          hrb += hw[i] * cr[i];
        }
        grad[r] = g + invC * theta[r];
        hess[k * d + r] = hrb;
        hess[r * d + k] = hrb;
        for (let c = 0; c <= r; c++) {
          const cc = cols[c];
          let h = 0;
          for (let i = 0; i < n; i++) h += hw[i] * cr[i] * cc[i];
          if (c === r) h += invC;
          hess[r * d + c] = h;
          hess[c * d + r] = h;
        }
      }
      let gmax = 0;
      for (let r = 0; r < d; r++) gmax = Math.max(gmax, Math.abs(grad[r]));
      if (gmax <= tol * (1 + totalWeight)) {
        converged = true;
        break;
      }
      // A tiny ridge keeps the step defined when the data are separable and C is infinite.
      let l = choleskyFactor(hess, d);
      if (!l) {
        for (let r = 0; r < d; r++) hess[r * d + r] += 1e-10 * (1 + totalWeight);
        l = choleskyFactor(hess, d);
      }
      if (!l) {
        throw new Error(
          `fitLogisticRegression: the Hessian on support [${support.join(', ')}] is singular (duplicate or constant columns?); use a finite C or drop those columns`,
        );
      }
      const step = backSubstitute(l, d, forwardSubstitute(l, d, grad));
      let slope = 0;
      for (let r = 0; r < d; r++) slope -= grad[r] * step[r];
      // The dual bound is computed only when Newton's own estimate of the optimum, f + slope / 2, is past
      // stopAbove (the bound lies below the optimum, so it could hardly pass otherwise); the estimate
      // only decides when to look, the stop itself rests on the certified bound.
      if (stopAbove !== undefined && objective + slope / 2 >= stopAbove) {
        const bound = dualLowerBound(cols);
        if (bound >= stopAbove) {
          stoppedEarly = true;
          lowerBound = bound;
          break;
        }
      }
      // Newton decrement: the predicted decrease -slope / 2 is below what float64 can resolve in the
      // objective, so no line search could verify progress. We are inside Newton's region of quadratic
      // convergence: take the full step (which polishes the coefficients) and stop.
      if (-slope / 2 <= 1e-15 * Math.max(1, Math.abs(objective))) {
        for (let r = 0; r < d; r++) theta[r] -= step[r];
        objective = evaluate(cols, theta, margins, expNegAbs, losses);
        converged = true;
        iterations++;
        break;
      }
      let t = 1;
      let accepted = false;
      for (let ls = 0; ls < 60; ls++) {
        for (let r = 0; r < d; r++) trial[r] = theta[r] - t * step[r];
        const f = evaluate(cols, trial, trialMargins, trialExp, trialLosses);
        // Armijo, with slack for rounding in the objective's sum.
        if (f <= objective + 1e-4 * t * slope + 1e-15 * Math.abs(objective) || (ls > 0 && f <= objective && t < 1e-6)) {
          theta.set(trial);
          [margins, trialMargins] = [trialMargins, margins];
          [expNegAbs, trialExp] = [trialExp, expNegAbs];
          [losses, trialLosses] = [trialLosses, losses];
          const decrease = objective - f;
          objective = f;
          accepted = true;
          if (decrease <= 1e-15 * Math.max(1, Math.abs(f)) && t === 1) converged = true;
          break;
        }
        t *= 0.5;
      }
      if (!accepted || converged) {
        // No further decrease is possible in floating point: we are at the optimum to machine precision.
        converged = true;
        iterations++;
        break;
      }
    }
    if (!stoppedEarly) lowerBound = objective;
    const coefficients = new Float64Array(p);
    for (let r = 0; r < k; r++) coefficients[support[r]] = theta[r];
    const dual = new Float64Array(n);
    for (let i = 0; i < n; i++) dual[i] = w[i] * sigmoidNeg(margins[i], expNegAbs[i]);
    return { coefficients, intercept: theta[k], objective, dual, iterations, converged, lowerBound, stoppedEarly };
  };
  return { rows: n, cols: p, C, fit };
}

/** Binary logistic regression on 0/1 labels; see the module comment for the objective. */
export function fitLogisticRegression(x: DesignMatrix, labels: ArrayLike<number | boolean>, options: LogisticOptions = {}): LogisticFit {
  return logisticProblem(x, labels, options).fit(options);
}

/** P(y = 1 | x) for each row under a fitted model. */
export function logisticProbabilities(x: DesignMatrix, fit: Pick<LogisticFit, 'coefficients' | 'intercept'>): Float64Array {
  const { rows: n, cols: p, data } = x;
  if (fit.coefficients.length !== p) throw new Error(`logisticProbabilities: the model has ${fit.coefficients.length} coefficients for ${p} columns`);
  const nz: number[] = [];
  for (let j = 0; j < p; j++) if (fit.coefficients[j] !== 0) nz.push(j);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = fit.intercept;
    for (const j of nz) s += data[i * p + j] * fit.coefficients[j];
    out[i] = sigmoid(s);
  }
  return out;
}
