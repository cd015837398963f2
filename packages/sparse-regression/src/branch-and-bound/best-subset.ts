/**
 * Best-subset ridge regression solved to proven optimality by branch and bound on the Gram matrix:
 *
 *   minimise ||y - X xi||^2 + alpha ||xi||^2   subject to ||xi||_0 <= k.
 *
 * The search is a depth-first include/exclude tree. A node fixes some features in (S) and some out
 * (E); every support in its subtree is a subset of the active set A = all \ E with at most k
 * features. Each node branches on the free feature that is most costly to drop from A: the include
 * child comes first (so the first leaf is already a good incumbent) and the exclude child gets the
 * largest possible bound increase. Bounds (leaps and bounds, Furnival & Wilson 1974, in ridge form):
 *
 * - Monotonicity: f(T) >= f(A) for every T within A, where f(A) is the ridge optimum on A.
 * - Dropping one feature j from A costs exactly delta_j = xi_j^2 / M_jj with M = (G_AA + alpha I)^-1,
 *   and dropping a set R costs at least max_{j in R} delta_j (again by monotonicity). A subtree
 *   leaf must drop at least m = |A| - k free features, so f >= f(A) + (m-th smallest delta over the
 *   free features) is a valid lower bound.
 *
 * M and xi are carried down the tree by rank-one downdates (O(|A|^2) per exclusion) and refreshed
 * from a new factorisation every few levels to stop rounding from accumulating. Leaves are evaluated
 * exactly from an incrementally grown Cholesky factor of G_SS + alpha I; when two slots are left, every
 * pair of free features is scored directly (O(|S|) per pair), which replaces the deepest two levels
 * of the tree. Features are scaled to unit
 * norm internally (with the ridge weight rescaled to match), which leaves the problem unchanged.
 *
 * When the time limit stops the search, the lower bound is the smallest bound among the subtrees not
 * yet explored, so the reported gap is a proof, not an estimate.
 */
import { choleskyInverse } from '../linalg/cholesky.js';
import { fitSupport, type GramProblem } from '../problem/gram-problem.js';

export interface BestSubsetOptions {
  /** Maximum number of nonzero coefficients. */
  k: number;
  /** Wall-clock limit in milliseconds (default 30 000, the paper's Gurobi limit). */
  timeLimitMs?: number;
  /** Stop when (objective - bound) <= tolerance * |objective| (default 1e-9). */
  relativeGapTolerance?: number;
  /** Features that may not be used (e.g. for cross-validation or user constraints). */
  forbidden?: readonly number[];
}

export type SolveStatus = 'optimal' | 'time-limit';

export interface BestSubsetResult {
  /** Chosen features, ascending. */
  support: number[];
  /** Coefficients (length p, zero off the support). */
  coefficients: Float64Array;
  /** ||y - X xi||^2 + alpha ||xi||^2 at the solution. */
  objective: number;
  /** Proven lower bound on the optimum. */
  lowerBound: number;
  /** (objective - lowerBound) / max(|objective|, 1e-12 y^T y), clamped at 0. */
  gap: number;
  /** True when the gap is within the tolerance: the solution is proven optimal. */
  optimal: boolean;
  status: SolveStatus;
  /** Branch and bound nodes visited. */
  nodes: number;
  /** Supports evaluated exactly. */
  leaves: number;
  timeMs: number;
}

interface ActiveSet {
  /** Active features (internal order), ascending. */
  idx: Int32Array;
  size: number;
  /** (G_AA + alpha I)^-1, size x size row-major. */
  inv: Float64Array;
  /** Ridge solution on A. */
  xi: Float64Array;
  /** Ridge optimum on A (a lower bound for all its subsets). */
  bound: number;
  /** Downdates applied since the last fresh factorisation. */
  staleness: number;
}

const REFRESH_EVERY = 6;
/** Relative (to y^T y) size of rounding in objective values. */
const ROUNDING_FLOOR = 1e-14;

export function bestSubset(problem: GramProblem, options: BestSubsetOptions): BestSubsetResult {
  const start = performance.now();
  const { p, gram, xty, yty, alpha } = problem;
  const k = options.k;
  if (!Number.isInteger(k) || k < 0) throw new Error(`bestSubset: k must be a non-negative integer, got ${k}`);
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  const tol = options.relativeGapTolerance ?? 1e-9;
  const forbidden = new Set(options.forbidden ?? []);
  const scaleFloor = 1e-12 * Math.max(yty, Number.MIN_VALUE);

  // Usable features: not forbidden, not identically zero. Scale to unit norm.
  const usable: number[] = [];
  for (let j = 0; j < p; j++) if (!forbidden.has(j) && gram[j * p + j] > 0) usable.push(j);
  const q = usable.length;
  /** Builds the result; `lowerBound` NaN means the support is exactly optimal by construction. */
  const finish = (support: number[], lowerBound: number, nodes: number, leaves: number, timedOut: boolean): BestSubsetResult => {
    support.sort((a, b) => a - b);
    const fit = fitSupport(problem, support);
    const lb = Number.isNaN(lowerBound) ? fit.objective : Math.min(lowerBound, fit.objective);
    const gap = Math.max(0, (fit.objective - lb) / Math.max(Math.abs(fit.objective), scaleFloor));
    return {
      support,
      coefficients: fit.coefficients,
      objective: fit.objective,
      lowerBound: lb,
      gap,
      // Objectives are differences y^T y - b^T xi, resolvable only to a few ulps of y^T y; allow that
      // rounding floor on top of the tolerance (it matters only for near-exact fits).
      optimal: fit.objective - lb <= tol * 1.01 * Math.max(Math.abs(fit.objective), scaleFloor) + ROUNDING_FLOOR * yty,
      status: timedOut ? 'time-limit' : 'optimal',
      nodes,
      leaves,
      timeMs: performance.now() - start,
    };
  };
  if (k === 0 || q === 0) return finish([], Number.NaN, 1, 1, false);
  if (k >= q) {
    // No sparsity constraint binds: the ridge fit on everything is optimal.
    return finish(usable.slice(), Number.NaN, 1, 1, false);
  }

  const scale = usable.map((j) => Math.sqrt(gram[j * p + j]));
  // Internal (scaled) Hessian and linear term over usable features, before ordering.
  const h0 = new Float64Array(q * q);
  const b0 = new Float64Array(q);
  for (let r = 0; r < q; r++) {
    b0[r] = xty[usable[r]] / scale[r];
    for (let c = 0; c < q; c++) h0[r * q + c] = gram[usable[r] * p + usable[c]] / (scale[r] * scale[c]);
    h0[r * q + r] += alpha / (scale[r] * scale[r]);
  }
  const rootInv = choleskyInverse(h0, q);
  if (!rootInv) {
    throw new Error(
      `bestSubset: the library columns are linearly dependent and alpha = ${alpha}; use alpha > 0 (e.g. 1e-6) or remove duplicate features`,
    );
  }
  const rootXi = matVec(rootInv, b0, q);
  // Order: most costly to drop first.
  const dropCost = Array.from({ length: q }, (_, r) => (rootXi[r] * rootXi[r]) / rootInv[r * q + r]);
  const order = Array.from({ length: q }, (_, r) => r).sort((a, b) => dropCost[b] - dropCost[a]);
  const h = new Float64Array(q * q);
  const b = new Float64Array(q);
  for (let r = 0; r < q; r++) {
    b[r] = b0[order[r]];
    for (let c = 0; c < q; c++) h[r * q + c] = h0[order[r] * q + order[c]];
  }
  const toOriginal = (internal: number): number => usable[order[internal]];

  const freshActive = (idx: Int32Array, staleness = 0): ActiveSet => {
    const n = idx.length;
    const sub = new Float64Array(n * n);
    const bs = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      bs[r] = b[idx[r]];
      for (let c = 0; c < n; c++) sub[r * n + c] = h[idx[r] * q + idx[c]];
    }
    const inv = choleskyInverse(sub, n);
    if (!inv) throw new Error('bestSubset: lost positive definiteness on an active set (numerically singular library); increase alpha');
    const xi = matVec(inv, bs, n);
    let explained = 0;
    for (let r = 0; r < n; r++) explained += bs[r] * xi[r];
    return { idx, size: n, inv, xi, bound: yty - explained, staleness };
  };

  const downdate = (a: ActiveSet, t: number): ActiveSet => {
    const n = a.size;
    const m = n - 1;
    if (a.staleness + 1 >= REFRESH_EVERY) {
      const idx = new Int32Array(m);
      for (let r = 0, w = 0; r < n; r++) if (r !== t) idx[w++] = a.idx[r];
      return freshActive(idx);
    }
    const idx = new Int32Array(m);
    const inv = new Float64Array(m * m);
    const xi = new Float64Array(m);
    const mtt = a.inv[t * n + t];
    const xt = a.xi[t];
    for (let r = 0, rr = 0; r < n; r++) {
      if (r === t) continue;
      idx[rr] = a.idx[r];
      const mrt = a.inv[r * n + t];
      xi[rr] = a.xi[r] - (mrt * xt) / mtt;
      const f = mrt / mtt;
      for (let c = 0, cc = 0; c < n; c++) {
        if (c === t) continue;
        inv[rr * m + cc] = a.inv[r * n + c] - f * a.inv[t * n + c];
        cc++;
      }
      rr++;
    }
    return { idx, size: m, inv, xi, bound: a.bound + (xt * xt) / mtt, staleness: a.staleness + 1 };
  };

  // Incremental Cholesky of the included set S (internal indices), L row-major k x k.
  const sIdx = new Int32Array(k);
  const lFac = new Float64Array(k * k);
  const wVec = new Float64Array(k); // L^-1 b_S
  const objS = new Float64Array(k + 1);
  objS[0] = yty;
  let sCount = 0;
  const rowTmp = new Float64Array(k);

  /** Computes the new Cholesky row for adding feature j to S; returns w_new (so obj drops by w_new^2), or NaN if not PD. */
  const extend = (j: number, row: Float64Array): { w: number; d: number } => {
    const s = sCount;
    let dd = h[j * q + j];
    for (let r = 0; r < s; r++) {
      let v = h[sIdx[r] * q + j];
      for (let m = 0; m < r; m++) v -= lFac[r * k + m] * row[m];
      v /= lFac[r * k + r];
      row[r] = v;
      dd -= v * v;
    }
    if (!(dd > 0)) return { w: NaN, d: NaN };
    const d = Math.sqrt(dd);
    let bw = b[j];
    for (let r = 0; r < s; r++) bw -= row[r] * wVec[r];
    return { w: bw / d, d };
  };
  const push = (j: number): boolean => {
    const { w, d } = extend(j, rowTmp);
    if (!Number.isFinite(w)) return false;
    const s = sCount;
    for (let r = 0; r < s; r++) lFac[s * k + r] = rowTmp[r];
    lFac[s * k + s] = d;
    wVec[s] = w;
    sIdx[s] = j;
    objS[s + 1] = objS[s] - w * w;
    sCount++;
    return true;
  };

  let incumbent = Infinity;
  let incumbentSupport: number[] = [];
  let nodes = 0;
  let leaves = 0;
  let timedOut = false;
  let openBound = Infinity;
  const pruneLevel = (): number => incumbent - tol * Math.max(Math.abs(incumbent), scaleFloor);

  const offer = (objective: number, extra: number[]): void => {
    leaves++;
    if (objective < incumbent) {
      incumbent = objective;
      incumbentSupport = [...Array.from(sIdx.subarray(0, sCount)), ...extra];
    }
  };

  const deltaScratch = new Float64Array(q);
  const inS = new Uint8Array(q);
  const pairRows = new Float64Array(q * Math.max(1, k));
  const pairDiag = new Float64Array(q);
  const pairBeta = new Float64Array(q);
  /**
   * For each free j: r_j = L^-1 H_Sj, d_j^2 = H_jj - |r_j|^2, beta_j = b_j - r_j . w, so adding j alone
   * gains beta_j^2 / d_j^2. Adding l after j: c = H_jl - r_j . r_l, d_l|j^2 = d_l^2 - c^2 / d_j^2,
   * beta_l|j = beta_l - c beta_j / d_j^2, and the pair gains beta_j^2/d_j^2 + beta_l|j^2 / d_l|j^2.
   */
  const enumeratePairs = (a: ActiveSet, free: number[], s: number): void => {
    const fu = free.length;
    for (let f = 0; f < fu; f++) {
      const j = a.idx[free[f]];
      let dd = h[j * q + j];
      let beta = b[j];
      for (let r = 0; r < s; r++) {
        let v = h[sIdx[r] * q + j];
        for (let m = 0; m < r; m++) v -= lFac[r * k + m] * pairRows[f * k + m];
        v /= lFac[r * k + r];
        pairRows[f * k + r] = v;
        dd -= v * v;
        beta -= v * wVec[r];
      }
      pairDiag[f] = dd;
      pairBeta[f] = beta;
    }
    const base = objS[s];
    for (let f1 = 0; f1 < fu; f1++) {
      const d1 = pairDiag[f1];
      if (!(d1 > 0)) continue;
      const j1 = a.idx[free[f1]];
      const b1 = pairBeta[f1];
      const gain1 = (b1 * b1) / d1;
      for (let f2 = f1 + 1; f2 < fu; f2++) {
        const j2 = a.idx[free[f2]];
        let c = h[j1 * q + j2];
        for (let r = 0; r < s; r++) c -= pairRows[f1 * k + r] * pairRows[f2 * k + r];
        const d2 = pairDiag[f2] - (c * c) / d1;
        if (!(d2 > 0)) continue;
        const b2 = pairBeta[f2] - (c * b1) / d1;
        const objective = base - gain1 - (b2 * b2) / d2;
        if (objective < incumbent) offer(objective, [j1, j2]);
        else leaves++;
      }
    }
  };
  const visit = (a: ActiveSet): void => {
    nodes++;
    if ((nodes & 255) === 0 && performance.now() - start > timeLimitMs) timedOut = true;
    if (timedOut) {
      openBound = Math.min(openBound, a.bound);
      return;
    }
    const s = sCount;
    // Free features: active and not yet fixed in.
    const free: number[] = [];
    for (let t = 0; t < a.size; t++) if (!inS[a.idx[t]]) free.push(t);
    const u = free.length;
    if (u + s <= k) {
      // Everything still active fits: the ridge fit on S + U is the subtree's best.
      const extra: number[] = [];
      let ok = true;
      for (const t of free) {
        if (!push(a.idx[t])) {
          ok = false;
          break;
        }
        extra.push(a.idx[t]);
      }
      if (ok) offer(objS[sCount], extra);
      sCount = s;
      return;
    }
    // Cardinality-strengthened bound: at least m = u - (k - s) free features must go. Branch on the
    // free feature that is most costly to drop (it most likely belongs, and excluding it tightens most).
    let branchPos = free[0];
    let branchDrop = -Infinity;
    for (let f = 0; f < u; f++) {
      const t = free[f];
      const dt = (a.xi[t] * a.xi[t]) / a.inv[t * a.size + t];
      deltaScratch[f] = dt;
      if (dt > branchDrop) {
        branchDrop = dt;
        branchPos = t;
      }
    }
    const nodeBound = a.bound + kthSmallest(deltaScratch, u, u - (k - s));
    if (nodeBound >= pruneLevel()) return;

    if (s === k - 2 && u >= 2) {
      // Last two slots: every pair of free features in O(|S|) each, from one Cholesky extension per feature.
      enumeratePairs(a, free, s);
      return;
    }
    if (s === k - 1) {
      // Last slot: try every free feature directly.
      for (const t of free) {
        const { w } = extend(a.idx[t], rowTmp);
        if (Number.isFinite(w)) offer(objS[s] - w * w, [a.idx[t]]);
      }
      return;
    }
    const j = a.idx[branchPos];
    if (push(j)) {
      inS[j] = 1;
      visit(a);
      inS[j] = 0;
      sCount = s;
    }
    const excludeBound = a.bound + branchDrop;
    if (timedOut) {
      openBound = Math.min(openBound, excludeBound);
      return;
    }
    if (excludeBound >= pruneLevel()) return;
    visit(downdate(a, branchPos));
  };

  const all = new Int32Array(q);
  for (let r = 0; r < q; r++) all[r] = r;
  const root = freshActive(all);
  visit(root);
  const support = incumbentSupport.map(toOriginal);
  // Every pruned subtree had a bound >= the prune level, so the optimum is at least that level.
  const lowerBound = timedOut ? Math.min(openBound, incumbent) : pruneLevel();
  return finish(support, lowerBound, nodes, leaves, timedOut);
}

function matVec(a: Float64Array, x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += a[r * n + c] * x[c];
    out[r] = s;
  }
  return out;
}

/** The m-th smallest (1-based) of the first n values; 0 when m <= 0. Partially sorts `values`. */
function kthSmallest(values: Float64Array, n: number, m: number): number {
  if (m <= 0) return 0;
  if (m > n) return Infinity;
  // Quickselect on the prefix.
  let lo = 0;
  let hi = n - 1;
  const target = m - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return Math.max(0, values[target]);
}
