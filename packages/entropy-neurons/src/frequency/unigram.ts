/**
 * The unigram distribution and the frequency direction of the paper's token-frequency neurons: counts of
 * each token id (+1 smoothing, the authors' `get_unigram_distrib`), q = counts / sum, and
 * f = (log q - mean(log q)) / ||log q - mean(log q)||, a unit vector in logit space.
 */
export function unigramFromTokens(sequences: readonly (readonly number[])[], V: number): Float64Array {
  const counts = new Float64Array(V);
  for (const s of sequences) for (const t of s) if (t >= 0 && t < V) counts[t]++;
  return counts;
}

/** (counts + 1) / sum. */
export function smoothedUnigram(counts: ArrayLike<number>): Float32Array {
  const V = counts.length;
  let total = 0;
  for (let i = 0; i < V; i++) total += counts[i] + 1;
  const q = new Float32Array(V);
  for (let i = 0; i < V; i++) q[i] = (counts[i] + 1) / total;
  return q;
}

/** The centred, unit-norm log-frequency direction. */
export function frequencyDirection(q: ArrayLike<number>): Float32Array {
  const V = q.length;
  const l = Float64Array.from({ length: V }, (_, i) => Math.log(q[i]));
  let m = 0;
  for (const x of l) m += x;
  m /= V;
  let ss = 0;
  for (let i = 0; i < V; i++) ss += (l[i] - m) ** 2;
  const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
  return Float32Array.from(l, (x) => (x - m) * inv);
}

/** cos(rows of U [n, V], f) for each row. */
export function cosinesWith(U: Float32Array, n: number, V: number, f: Float32Array): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let uu = 0, uf = 0, ff = 0;
    for (let i = 0; i < V; i++) {
      const x = U[r * V + i];
      uu += x * x;
      uf += x * f[i];
      ff += f[i] * f[i];
    }
    out[r] = uu > 0 && ff > 0 ? uf / Math.sqrt(uu * ff) : 0;
  }
  return out;
}
