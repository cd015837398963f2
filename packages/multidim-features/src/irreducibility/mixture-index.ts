/**
 * The ε-mixture index M_ε(f) of Engels et al. (2024): the largest fraction of points whose normalised
 * projection z = (a·f + b) / RMS(a·f + b) lies within ε of zero, maximised over the direction a and the
 * offset b. A point cloud that is a mixture with a lower-dimensional part (e.g. many points on a line
 * through the origin) has a high M_ε; a circle has a low one.
 *
 * As in the authors' code the hard fraction is maximised through the smoothed objective
 * P(a, b) = mean σ((ε − |z|) / T) by plain gradient ascent from a ~ N(0, I), b = 0 (learning rate 0.1),
 * with T fixed at 1 (their real-cluster code) or annealed T = 1 − i/N (their toy demos); the reported
 * index is the hard fraction mean(|z| < ε) at the final (a, b). Gradients are written out by hand.
 */
import { createRng, throwIfCancelled } from '@marr/core';

export interface MixtureIndexOptions {
  /** ε (default 0.1). */
  epsilon?: number;
  /** Gradient-ascent steps (default 10,000). */
  iterations?: number;
  /** Step size (default 0.1). */
  learningRate?: number;
  /** 'fixed': T = 1 throughout (real-cluster code); 'anneal': T = 1 − i/N at step i (toy demos). Default 'fixed'. */
  temperature?: 'fixed' | 'anneal';
  /** Seed of the random initial direction. */
  seed?: number;
  /** Independent random starts; the best hard fraction wins (default 1, as the authors). */
  restarts?: number;
  /** Checked every 256 steps. */
  signal?: AbortSignal;
  /** Called every 256 steps with (steps done, steps in all). */
  onProgress?: (done: number, total: number) => void;
}

export interface MixtureIndex {
  /** The hard fraction of points with |z| < ε at the final (a, b): M_ε. */
  index: number;
  /** The smoothed objective at the last step. */
  smoothed: number;
  /** The direction found (length d; not normalised). */
  a: number[];
  /** The offset found. */
  b: number;
  epsilon: number;
}

/** Points as a row-major n × d array. */
export interface PointCloud {
  n: number;
  d: number;
  data: Float64Array;
}

export function pointCloud(n: number, d: number, data: ArrayLike<number>): PointCloud {
  if (data.length !== n * d) throw new RangeError(`pointCloud: ${n} points of dimension ${d} need ${n * d} values, got ${data.length}`);
  return { n, d, data: Float64Array.from(data) };
}

/** z = (a·x + b) / RMS(a·x + b) for every point (all zeros when every projection is zero). */
export function normalisedProjection(points: PointCloud, a: ArrayLike<number>, b: number): Float64Array {
  const { n, d, data } = points;
  const p = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    let v = b;
    for (let j = 0; j < d; j++) v += a[j] * data[i * d + j];
    p[i] = v;
    ss += v * v;
  }
  const rms = Math.sqrt(ss / n);
  if (rms > 0) for (let i = 0; i < n; i++) p[i] /= rms;
  return p;
}

/** The hard fraction of points with |z| < ε for a given (a, b). */
export function fractionWithinEpsilon(points: PointCloud, a: ArrayLike<number>, b: number, epsilon: number): number {
  const z = normalisedProjection(points, a, b);
  let k = 0;
  for (let i = 0; i < z.length; i++) if (Math.abs(z[i]) < epsilon) k++;
  return z.length > 0 ? k / z.length : 0;
}

const sigmoid = (u: number): number => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

/**
 * One gradient evaluation of P(a, b) = mean σ((ε − |z_i|)/T): writes ∂P/∂a into `ga`, returns [P, ∂P/∂b].
 * With p_i = a·x_i + b and r = RMS(p): ∂P/∂p_k = g_k / r − p_k Σ_i g_i p_i / (n r³), g_i = ∂P/∂z_i.
 */
export function smoothedObjective(points: PointCloud, a: ArrayLike<number>, b: number, epsilon: number, temperature: number, ga: Float64Array, p: Float64Array = new Float64Array(points.n), g: Float64Array = new Float64Array(points.n)): [number, number] {
  const { n, d, data } = points;
  let ss = 0;
  if (d === 2) {
    const a0 = a[0], a1 = a[1];
    for (let i = 0; i < n; i++) {
      const v = b + a0 * data[2 * i] + a1 * data[2 * i + 1];
      p[i] = v;
      ss += v * v;
    }
  } else {
    for (let i = 0; i < n; i++) {
      let v = b;
      const o = i * d;
      for (let j = 0; j < d; j++) v += a[j] * data[o + j];
      p[i] = v;
      ss += v * v;
    }
  }
  ga.fill(0);
  if (ss === 0) return [sigmoid(epsilon / temperature), 0];
  const r = Math.sqrt(ss / n);
  const invR = 1 / r, invT = 1 / temperature, scale = 1 / (temperature * n);
  let P = 0;
  let gp = 0; // Σ g_i p_i, g_i = ∂P/∂z_i
  for (let i = 0; i < n; i++) {
    const z = p[i] * invR;
    const s = sigmoid((epsilon - Math.abs(z)) * invT);
    P += s;
    const gi = s * (1 - s) * -Math.sign(z) * scale;
    g[i] = gi;
    gp += gi * p[i];
  }
  const c = gp / (n * r * r * r);
  let gb = 0;
  if (d === 2) {
    let g0 = 0, g1 = 0;
    for (let i = 0; i < n; i++) {
      const dp = g[i] * invR - p[i] * c;
      gb += dp;
      g0 += dp * data[2 * i];
      g1 += dp * data[2 * i + 1];
    }
    ga[0] = g0;
    ga[1] = g1;
  } else {
    for (let i = 0; i < n; i++) {
      const dp = g[i] * invR - p[i] * c;
      gb += dp;
      const o = i * d;
      for (let j = 0; j < d; j++) ga[j] += dp * data[o + j];
    }
  }
  return [P / n, gb];
}

/** M_ε of a point cloud by gradient ascent on the smoothed objective (see the module comment). */
export function mixtureIndex(points: PointCloud, options: MixtureIndexOptions = {}): MixtureIndex {
  const epsilon = options.epsilon ?? 0.1;
  const iterations = options.iterations ?? 10_000;
  const lr = options.learningRate ?? 0.1;
  const anneal = (options.temperature ?? 'fixed') === 'anneal';
  const restarts = options.restarts ?? 1;
  if (!(epsilon > 0)) throw new RangeError(`mixtureIndex: epsilon must be positive, got ${epsilon}`);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`mixtureIndex: iterations must be a positive integer, got ${iterations}`);
  if (points.n < 2) throw new RangeError(`mixtureIndex: needs at least 2 points, got ${points.n}`);
  const rng = createRng(options.seed ?? 0);
  const { d } = points;
  const ga = new Float64Array(d);
  const scratch = new Float64Array(points.n), scratchG = new Float64Array(points.n);
  let best: MixtureIndex | null = null;
  for (let start = 0; start < restarts; start++) {
    const a = Float64Array.from({ length: d }, () => rng.normal());
    let b = 0;
    let P = 0;
    for (let i = 0; i < iterations; i++) {
      if ((i & 255) === 0) {
        throwIfCancelled(options.signal);
        options.onProgress?.(start * iterations + i, restarts * iterations);
      }
      const T = anneal ? 1 - i / iterations : 1;
      const [value, gb] = smoothedObjective(points, a, b, epsilon, T, ga, scratch, scratchG);
      P = value;
      for (let j = 0; j < d; j++) a[j] += lr * ga[j];
      b += lr * gb;
    }
    const index = fractionWithinEpsilon(points, a, b, epsilon);
    if (!best || index > best.index) best = { index, smoothed: P, a: Array.from(a), b, epsilon };
  }
  return best!;
}
