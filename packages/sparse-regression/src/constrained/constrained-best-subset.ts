/**
 * Best subset with linear equality constraints on the coefficients of several targets at once
 * (SINDy's C xi = d, e.g. symmetry or conservation between equations):
 *
 *   minimise sum_i ||y_i - X xi_i||^2 + alpha ||xi_i||^2
 *   subject to C vec(xi) = d,  ||xi_i||_0 <= k_i,  sum_i ||xi_i||_0 <= K,
 *
 * with vec(xi) in target order (all features of target 0, then target 1, ...), as PySINDy's
 * constraint_order = "target". Coupled targets no longer decouple, so this is a branch and bound over
 * (target, feature) pairs whose node bound is the constrained fit on every still-allowed pair: a larger
 * support can only fit better (its feasible set contains the smaller one's), and an infeasible active
 * set means an infeasible subtree. Each node solves one KKT system, so this suits the small libraries
 * constrained SINDy is used with; the time limit reports an honest gap otherwise.
 */
import { Matrix, solve } from 'ml-matrix';
import type { GramProblem } from '../problem/gram-problem.js';

export interface EqualityConstraints {
  /** Rows of C, each of length targets x p (target order). */
  lhs: readonly (readonly number[])[];
  /** d, one value per row. */
  rhs: readonly number[];
}

export interface ConstrainedBestSubsetOptions {
  constraints: EqualityConstraints;
  /** Per-target caps (one number for all, or one per target). */
  k?: number | readonly number[];
  /** Joint cap over all targets. */
  totalK?: number;
  timeLimitMs?: number;
  relativeGapTolerance?: number;
}

export interface ConstrainedBestSubsetResult {
  /** Chosen features per target, ascending. */
  supports: number[][];
  /** Coefficients per target (length p each). */
  coefficients: Float64Array[];
  objective: number;
  lowerBound: number;
  gap: number;
  optimal: boolean;
  status: 'optimal' | 'time-limit' | 'infeasible';
  nodes: number;
  timeMs: number;
}

/** The constrained ridge fit on an active set of (target, feature) variables; Infinity when infeasible. */
export function constrainedFit(
  problems: readonly GramProblem[],
  constraints: EqualityConstraints,
  active: readonly number[],
): { objective: number; xi: Float64Array } {
  const p = problems[0].p;
  const n = active.length;
  const c = constraints.lhs.length;
  const yty = problems.reduce((a, pr) => a + pr.yty, 0);
  // Constraint rows restricted to the active set; rows that touch nothing must have d = 0.
  const rows: number[] = [];
  for (let r = 0; r < c; r++) {
    let touches = false;
    for (const v of active) if (constraints.lhs[r][v] !== 0) touches = true;
    if (touches) rows.push(r);
    else if (Math.abs(constraints.rhs[r]) > 1e-12) return { objective: Infinity, xi: new Float64Array(n) };
  }
  const m = n + rows.length;
  if (m === 0) return { objective: yty, xi: new Float64Array(0) };
  const kkt = new Matrix(m, m);
  const rhs = new Matrix(m, 1);
  for (let a = 0; a < n; a++) {
    const ta = Math.floor(active[a] / p);
    const fa = active[a] % p;
    rhs.set(a, 0, problems[ta].xty[fa]);
    for (let b = 0; b < n; b++) {
      const tb = Math.floor(active[b] / p);
      if (ta !== tb) continue;
      const fb = active[b] % p;
      kkt.set(a, b, problems[ta].gram[fa * p + fb] + (fa === fb ? problems[ta].alpha : 0));
    }
  }
  rows.forEach((r, i) => {
    rhs.set(n + i, 0, constraints.rhs[r]);
    active.forEach((v, a) => {
      kkt.set(n + i, a, constraints.lhs[r][v]);
      kkt.set(a, n + i, constraints.lhs[r][v]);
    });
  });
  // SVD solve: redundant constraint rows make the KKT matrix singular but consistent.
  const sol = solve(kkt, rhs, true).getColumn(0);
  const xi = Float64Array.from(sol.slice(0, n));
  // Feasibility check (an inconsistent system returns a least-squares point that violates C xi = d).
  let violation = 0;
  let scale = 1;
  for (const r of rows) {
    let s = -constraints.rhs[r];
    active.forEach((v, a) => (s += constraints.lhs[r][v] * xi[a]));
    violation = Math.max(violation, Math.abs(s));
    scale = Math.max(scale, Math.abs(constraints.rhs[r]));
  }
  if (violation > 1e-7 * scale) return { objective: Infinity, xi };
  let objective = yty;
  for (let a = 0; a < n; a++) {
    const ta = Math.floor(active[a] / p);
    const fa = active[a] % p;
    objective -= 2 * problems[ta].xty[fa] * xi[a];
    for (let b = 0; b < n; b++) {
      if (Math.floor(active[b] / p) !== ta) continue;
      const fb = active[b] % p;
      objective += xi[a] * xi[b] * (problems[ta].gram[fa * p + fb] + (fa === fb ? problems[ta].alpha : 0));
    }
  }
  return { objective, xi };
}

export function constrainedBestSubset(problems: readonly GramProblem[], options: ConstrainedBestSubsetOptions): ConstrainedBestSubsetResult {
  const start = performance.now();
  const m = problems.length;
  if (m === 0) throw new Error('constrainedBestSubset: give at least one target');
  const p = problems[0].p;
  for (const pr of problems) if (pr.p !== p) throw new Error('constrainedBestSubset: every target must share the same features');
  const { constraints } = options;
  if (constraints.lhs.length !== constraints.rhs.length) {
    throw new Error(`constrainedBestSubset: ${constraints.lhs.length} constraint rows but ${constraints.rhs.length} right-hand sides`);
  }
  constraints.lhs.forEach((row, r) => {
    if (row.length !== m * p) throw new Error(`constrainedBestSubset: constraint row ${r} has ${row.length} entries; expected targets x features = ${m * p}`);
  });
  const caps = Array.from({ length: m }, (_, i) => {
    const k = options.k === undefined ? p : typeof options.k === 'number' ? options.k : options.k[i];
    if (!Number.isInteger(k) || k < 0) throw new Error(`constrainedBestSubset: k must be a non-negative integer, got ${k}`);
    return Math.min(k, p);
  });
  const total = Math.min(options.totalK ?? Infinity, caps.reduce((a, b) => a + b, 0));
  const timeLimitMs = options.timeLimitMs ?? 30_000;
  const tol = options.relativeGapTolerance ?? 1e-9;
  const yty = problems.reduce((a, pr) => a + pr.yty, 0);
  const floor = 1e-12 * Math.max(yty, Number.MIN_VALUE);

  // Static order: by each variable's drop cost in the full constrained fit (most important first).
  const all = Array.from({ length: m * p }, (_, v) => v);
  const full = constrainedFit(problems, constraints, all);
  const order = all.slice().sort((a, b) => Math.abs(full.xi[b]) * Math.sqrt(problems[Math.floor(b / p)].gram[(b % p) * (p + 1)]) - Math.abs(full.xi[a]) * Math.sqrt(problems[Math.floor(a / p)].gram[(a % p) * (p + 1)]));

  const state = new Int8Array(m * p); // 1 in, -1 out, 0 free
  const countIn = new Int32Array(m);
  let totalIn = 0;
  let incumbent = Infinity;
  let best: number[] = [];
  let nodes = 0;
  let timedOut = false;
  let openBound = Infinity;
  const allowed = (v: number): boolean => state[v] === 1 || (state[v] === 0 && countIn[Math.floor(v / p)] < caps[Math.floor(v / p)] && totalIn < total);
  const pruneLevel = (): number => incumbent - tol * Math.max(Math.abs(incumbent), floor);

  const visit = (pos: number): void => {
    nodes++;
    if ((nodes & 63) === 0 && performance.now() - start > timeLimitMs) timedOut = true;
    const active = order.filter(allowed);
    const free = active.filter((v) => state[v] === 0);
    const bound = constrainedFit(problems, constraints, active);
    if (timedOut) {
      openBound = Math.min(openBound, bound.objective);
      return;
    }
    if (bound.objective >= pruneLevel()) return;
    // Can every free variable join without breaking a cap? Then the active set itself is the best leaf.
    const extraPerTarget = new Int32Array(m);
    for (const v of free) extraPerTarget[Math.floor(v / p)]++;
    const fits = free.length + totalIn <= total && extraPerTarget.every((e, i) => countIn[i] + e <= caps[i]);
    if (fits || free.length === 0) {
      if (bound.objective < incumbent) {
        incumbent = bound.objective;
        best = active.slice();
      }
      return;
    }
    let next = pos;
    while (next < order.length && !(state[order[next]] === 0 && allowed(order[next]))) next++;
    if (next >= order.length) return;
    const v = order[next];
    const t = Math.floor(v / p);
    state[v] = 1;
    countIn[t]++;
    totalIn++;
    visit(next + 1);
    state[v] = 0;
    countIn[t]--;
    totalIn--;
    state[v] = -1;
    visit(next + 1);
    state[v] = 0;
  };
  visit(0);
  const status = timedOut ? 'time-limit' : incumbent === Infinity ? 'infeasible' : 'optimal';
  const supports: number[][] = Array.from({ length: m }, () => []);
  const coefficients = Array.from({ length: m }, () => new Float64Array(p));
  if (incumbent < Infinity) {
    const sorted = best.slice().sort((a, b) => a - b);
    const fit = constrainedFit(problems, constraints, sorted);
    sorted.forEach((v, a) => {
      supports[Math.floor(v / p)].push(v % p);
      coefficients[Math.floor(v / p)][v % p] = fit.xi[a];
    });
  }
  const lowerBound = timedOut ? Math.min(openBound, incumbent) : incumbent === Infinity ? Infinity : pruneLevel();
  const gap = incumbent === Infinity ? Infinity : Math.max(0, (incumbent - lowerBound) / Math.max(Math.abs(incumbent), floor));
  return {
    supports,
    coefficients,
    objective: incumbent,
    lowerBound,
    gap,
    optimal: status === 'optimal' && gap <= tol * 1.01 + 1e-14 * yty / Math.max(Math.abs(incumbent), floor),
    status,
    nodes,
    timeMs: performance.now() - start,
  };
}
