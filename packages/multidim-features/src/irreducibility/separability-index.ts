/**
 * The separability index S(f) of Engels et al. (2024): the minimum, over rotations of a 2-D point cloud,
 * of the mutual information between the two rotated coordinates, estimated from a 2-D histogram and given
 * in bits. A cloud whose coordinates can be made independent by some rotation (a Gaussian, a product of
 * independent 1-D features) has S ≈ 0; a circle has a high S at every angle.
 *
 * Two binnings, as in the authors' two pieces of code:
 * - 'data-range' (real clusters): numpy's histogram2d with `bins` bins per coordinate over that rotated
 *   coordinate's own [min, max], the MI summed over non-empty cells with a 1e-10 guard in the logarithm.
 * - 'fixed-range' (toy demos): the cloud centred and divided by its mean squared coordinate, then 2n bins
 *   per coordinate over [−bound, bound] with out-of-range points clipped into the edge bins, the MI summed
 *   over every cell with 1e-4 added to the joint and the product inside the logarithm.
 * The rotated cloud is xy · [[cos θ, −sin θ], [sin θ, cos θ]].
 */
import type { PointCloud } from './mixture-index.js';

export interface SeparabilityOptions {
  binning?: 'data-range' | 'fixed-range';
  /** Bins per coordinate (data-range default 10; fixed-range default 40 = 2n with n = 20). */
  bins?: number;
  /** Half-width of the fixed range (default 3). */
  bound?: number;
  /** The angles tried, in radians (default: data-range 100 from 0 to 2π inclusive, numpy's linspace; fixed-range 1000 in [0, 2π)). */
  angles?: readonly number[];
}

export interface SeparabilityIndex {
  /** min over angles of the mutual information, in bits. */
  index: number;
  /** The angle of the minimum (radians). */
  angle: number;
  angles: number[];
  /** Mutual information at every angle, in bits. */
  mutualInformation: number[];
}

/** numpy.linspace(0, 2π, count) (endpoint included), the authors' real-cluster angles. */
export function linspaceAngles(count: number): number[] {
  if (count === 1) return [0];
  return Array.from({ length: count }, (_, i) => (2 * Math.PI * i) / (count - 1));
}

/** 2π i / count for i < count, the toy demos' angles. */
export function uniformAngles(count: number): number[] {
  return Array.from({ length: count }, (_, i) => (2 * Math.PI * i) / count);
}

function checkPlanar(points: PointCloud): void {
  if (points.d !== 2) throw new RangeError(`separability: needs a 2-D point cloud, got dimension ${points.d}`);
  if (points.n < 2) throw new RangeError(`separability: needs at least 2 points, got ${points.n}`);
}

/** Mutual information (nats) of a joint count table [bins x bins], the real-cluster formula (non-empty cells, 1e-10 guard). */
export function mutualInformationDataRange(counts: Float64Array, bins: number): number {
  const eps = 1e-10;
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const mx = new Float64Array(bins), my = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    for (let j = 0; j < bins; j++) {
      const p = counts[i * bins + j] / (total + eps);
      mx[i] += p;
      my[j] += p;
    }
  }
  let mi = 0;
  for (let i = 0; i < bins; i++) {
    for (let j = 0; j < bins; j++) {
      const p = counts[i * bins + j] / (total + eps);
      if (p > 0) mi += p * Math.log((p + eps) / (mx[i] * my[j] + eps));
    }
  }
  return mi;
}

/** Mutual information (nats) of a joint count table, the toy-demo formula (all cells, 1e-4 added inside the logarithm). */
export function mutualInformationFixedRange(counts: Float64Array, bins: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  const mx = new Float64Array(bins), my = new Float64Array(bins);
  for (let i = 0; i < bins; i++) {
    for (let j = 0; j < bins; j++) {
      const p = counts[i * bins + j] / total;
      mx[i] += p;
      my[j] += p;
    }
  }
  let mi = 0;
  for (let i = 0; i < bins; i++) for (let j = 0; j < bins; j++) {
    const p = counts[i * bins + j] / total;
    mi += p * Math.log((p + 1e-4) / (mx[i] * my[j] + 1e-4));
  }
  return mi;
}

/** Bin index as numpy.histogram does for `bins` equal bins over [lo, hi] (the last bin closed). */
function dataRangeBin(v: number, lo: number, hi: number, bins: number): number {
  const k = Math.floor(((v - lo) / (hi - lo)) * bins);
  return k >= bins ? bins - 1 : k < 0 ? 0 : k;
}

/** numpy's range for one coordinate: [min, max], widened by 0.5 each way when they coincide. */
function dataRange(v: Float64Array): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  return lo === hi ? [lo - 0.5, hi + 0.5] : [lo, hi];
}

/** The toy demos' normalisation: centre each coordinate, then divide by the mean of the squared entries. */
export function demoNormalise(points: PointCloud): PointCloud {
  const { n, d, data } = points;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += data[i * d + j] / n;
  const out = new Float64Array(n * d);
  let ms = 0;
  for (let i = 0; i < n * d; i++) {
    out[i] = data[i] - mean[i % d];
    ms += out[i] * out[i];
  }
  ms /= n * d;
  if (ms > 0) for (let i = 0; i < n * d; i++) out[i] /= ms;
  return { n, d, data: out };
}

/** S(f) of a 2-D point cloud (see the module comment). */
export function separabilityIndex(points: PointCloud, options: SeparabilityOptions = {}): SeparabilityIndex {
  checkPlanar(points);
  const binning = options.binning ?? 'data-range';
  const fixed = binning === 'fixed-range';
  const bins = options.bins ?? (fixed ? 40 : 10);
  const bound = options.bound ?? 3;
  const angles = [...(options.angles ?? (fixed ? uniformAngles(1000) : linspaceAngles(100)))];
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`separability: bins must be an integer of at least 2, got ${bins}`);
  if (angles.length === 0) throw new RangeError('separability: needs at least one angle');
  const cloud = fixed ? demoNormalise(points) : points;
  const { n, data } = cloud;
  const u = new Float64Array(n), v = new Float64Array(n);
  const counts = new Float64Array(bins * bins);
  const half = bins / 2;
  const mutualInformation = angles.map((theta) => {
    const c = Math.cos(theta), s = Math.sin(theta);
    for (let i = 0; i < n; i++) {
      const x = data[2 * i], y = data[2 * i + 1];
      u[i] = x * c + y * s;
      v[i] = -x * s + y * c;
    }
    counts.fill(0);
    if (fixed) {
      for (let i = 0; i < n; i++) {
        const bi = Math.floor(Math.min(Math.max(((u[i] + bound) / bound) * half, 0), bins - 0.1));
        const bj = Math.floor(Math.min(Math.max(((v[i] + bound) / bound) * half, 0), bins - 0.1));
        counts[bi * bins + bj]++;
      }
      return mutualInformationFixedRange(counts, bins) / Math.LN2;
    }
    const [ulo, uhi] = dataRange(u), [vlo, vhi] = dataRange(v);
    for (let i = 0; i < n; i++) counts[dataRangeBin(u[i], ulo, uhi, bins) * bins + dataRangeBin(v[i], vlo, vhi, bins)]++;
    return mutualInformationDataRange(counts, bins) / Math.LN2;
  });
  let k = 0;
  for (let i = 1; i < mutualInformation.length; i++) if (mutualInformation[i] < mutualInformation[k]) k = i;
  return { index: mutualInformation[k], angle: angles[k], angles, mutualInformation };
}
