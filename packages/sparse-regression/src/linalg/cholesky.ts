/**
 * Dense Cholesky factorisation and triangular solves on row-major Float64Arrays.
 *
 * Hand-written rather than taken from ml-matrix because the branch and bound calls these millions of
 * times on tiny (k x k) systems and in-place updates; allocating Matrix objects there would dominate
 * the run time. ml-matrix is used for the exhaustive reference instead, so the two paths stay
 * independent.
 */

/** Factorises the symmetric positive definite n x n matrix `a` (row-major) as L L^T in place of a copy.
 * Returns the lower factor, or null when the matrix is not numerically positive definite. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let m = 0; m < j; m++) d -= l[j * n + m] * l[j * n + m];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let m = 0; m < j; m++) s -= l[i * n + m] * l[j * n + m];
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

/** Solves L z = b (forward substitution) for lower-triangular row-major L. */
export function forwardSubstitute(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= l[i * n + m] * z[m];
    z[i] = s / l[i * n + i];
  }
  return z;
}

/** Solves L^T x = z (back substitution) for lower-triangular row-major L. */
export function backSubstitute(l: Float64Array, n: number, z: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let m = i + 1; m < n; m++) s -= l[m * n + i] * x[m];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Solves A x = b for symmetric positive definite A; null when A is not positive definite. */
export function choleskySolve(a: Float64Array, n: number, b: ArrayLike<number>): Float64Array | null {
  const l = choleskyFactor(a, n);
  if (!l) return null;
  return backSubstitute(l, n, forwardSubstitute(l, n, b));
}

/** Inverse of a symmetric positive definite matrix via its Cholesky factor; null when not PD. */
export function choleskyInverse(a: Float64Array, n: number): Float64Array | null {
  const l = choleskyFactor(a, n);
  if (!l) return null;
  const inv = new Float64Array(n * n);
  const e = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    e.fill(0);
    e[c] = 1;
    const x = backSubstitute(l, n, forwardSubstitute(l, n, e));
    for (let r = 0; r < n; r++) inv[r * n + c] = x[r];
  }
  // Symmetrise against rounding.
  for (let r = 0; r < n; r++) {
    for (let c = r + 1; c < n; c++) {
      const v = 0.5 * (inv[r * n + c] + inv[c * n + r]);
      inv[r * n + c] = v;
      inv[c * n + r] = v;
    }
  }
  return inv;
}
