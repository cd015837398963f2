/**
 * Mutual information between each continuous feature and the binary label by the k-nearest-neighbour
 * estimator of Ross (2014), as sklearn's mutual_info_classif (n_neighbors = 3) computes it:
 *
 *   I = psi(n) + <psi(k_i)> - <psi(n_c(i))> - <psi(m_i)>,
 *
 * where for each point, r_i is the distance to its k-th neighbour within its class and m_i counts the
 * points of either class (itself included) strictly closer than r_i. Hand-written because features are
 * one-dimensional, where sorted arrays replace sklearn's KD-tree; all arguments of psi are integers, so
 * psi(m) = H(m - 1) - gamma exactly. Negative estimates are clipped to 0, as sklearn does.
 */
import type { DesignMatrix } from '@marr/sparse-regression';

function harmonicTable(n: number): Float64Array {
  const h = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) h[i] = h[i - 1] + 1 / i;
  return h;
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The estimate for one feature column. */
export function mutualInformation(values: ArrayLike<number>, labels: ArrayLike<number>, neighbours = 3): number {
  const n = values.length;
  const h = harmonicTable(n + 1);
  const psi = (m: number): number => h[m - 1]; // psi(m) + gamma; the gammas cancel in the estimate
  const all = Float64Array.from(values).sort();
  let sumK = 0;
  let sumNc = 0;
  let sumM = 0;
  let used = 0;
  for (const cls of [0, 1]) {
    const members: number[] = [];
    for (let i = 0; i < n; i++) if ((labels[i] ? 1 : 0) === cls) members.push(values[i]);
    const nc = members.length;
    if (nc < 2) continue; // sklearn ignores points with a unique label
    const k = Math.min(neighbours, nc - 1);
    const sorted = Float64Array.from(members).sort();
    for (let a = 0; a < nc; a++) {
      // k-th nearest neighbour distance by merging outwards from a.
      let left = a - 1;
      let right = a + 1;
      let r = 0;
      for (let step = 0; step < k; step++) {
        const dl = left >= 0 ? sorted[a] - sorted[left] : Infinity;
        const dr = right < nc ? sorted[right] - sorted[a] : Infinity;
        if (dl <= dr) {
          r = dl;
          left--;
        } else {
          r = dr;
          right++;
        }
      }
      // Points with |x - x_a| < r (strictly), itself included.
      const m =
        r > 0
          ? lowerBound(all, sorted[a] + r) - upperBoundStrict(all, sorted[a] - r)
          : upperBoundStrict(all, sorted[a]) - lowerBound(all, sorted[a]); // ties: points at distance 0
      sumK += psi(k);
      sumNc += psi(nc);
      sumM += psi(Math.max(1, m));
      used++;
    }
  }
  if (used === 0) return 0;
  const mi = psi(used) + sumK / used - sumNc / used - sumM / used;
  return Math.max(0, mi);
}

/** Index of the first element > v. */
function upperBoundStrict(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function mutualInformationScores(x: DesignMatrix, labels: ArrayLike<number>, neighbours = 3): Float64Array {
  const { rows: n, cols: p, data } = x;
  const out = new Float64Array(p);
  const col = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) col[i] = data[i * p + j];
    out[j] = mutualInformation(col, labels, neighbours);
  }
  return out;
}
