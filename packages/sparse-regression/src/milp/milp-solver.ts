/**
 * A small solver-neutral mixed-integer linear programme and the interface every MILP backend
 * implements, so the outer-approximation master problem can run on HiGHS or javascript-lp-solver (or
 * anything else) unchanged.
 */

export interface MilpConstraint {
  /** Sparse row: [variable index, coefficient] pairs. */
  terms: readonly (readonly [number, number])[];
  /** Lower bound on the row (omit or -Infinity for none). */
  lower?: number;
  /** Upper bound on the row (omit or Infinity for none). */
  upper?: number;
}

export interface MilpProblem {
  variableCount: number;
  /** Minimise objective . x. */
  objective: readonly number[];
  /** Variable bounds (use -Infinity / Infinity for free). */
  lower: readonly number[];
  upper: readonly number[];
  /** Which variables must be integral. */
  integer: readonly boolean[];
  constraints: readonly MilpConstraint[];
}

export interface MilpSolveOptions {
  /** Wall-clock limit (ms); omit for none. A wall-clock limit makes the result depend on the machine's speed. */
  timeLimitMs?: number;
  /**
   * Branch-and-bound node limit: a work limit, so a stopped solve gives the same answer on every run
   * (omit for none; solvers without one ignore it).
   */
  nodeLimit?: number;
  /** Relative optimality gap at which the solver may stop (default 1e-9). */
  relativeGap?: number;
}

/** 'work-limit': stopped by `nodeLimit` (deterministic); 'time-limit': stopped by the wall clock. */
export type MilpStatus = 'optimal' | 'time-limit' | 'work-limit' | 'infeasible' | 'unbounded' | 'error';

export interface MilpSolution {
  status: MilpStatus;
  /** Best solution found (null when none). */
  x: Float64Array | null;
  /** Objective at x (NaN when none). */
  objective: number;
  /** Proven lower bound on the optimum (-Infinity when the solver cannot say). */
  bound: number;
  message?: string;
}

/** A model kept in the solver between solves, to which rows can be added (cutting-plane loops). */
export interface IncrementalMilp {
  addConstraint(constraint: MilpConstraint): void;
  solve(options?: MilpSolveOptions): Promise<MilpSolution>;
  /** Releases the solver's memory; the model cannot be used afterwards. */
  dispose(): void;
}

export interface MilpSolver {
  readonly name: string;
  /** Whether the solver proves optimality and honours time limits (HiGHS yes, javascript-lp-solver no). */
  readonly provesOptimality: boolean;
  solve(problem: MilpProblem, options?: MilpSolveOptions): Promise<MilpSolution>;
  /** Optional: keep the model loaded and add rows between solves (saves re-reading it every time). */
  open?(problem: MilpProblem): Promise<IncrementalMilp>;
}

/** Checks a MILP for shape errors; throws naming the problem. */
export function validateMilp(problem: MilpProblem): void {
  const n = problem.variableCount;
  for (const [name, arr] of [['objective', problem.objective], ['lower', problem.lower], ['upper', problem.upper], ['integer', problem.integer]] as const) {
    if (arr.length !== n) throw new Error(`MILP: ${name} has ${arr.length} entries for ${n} variables`);
  }
  problem.constraints.forEach((c, r) => {
    for (const [j, v] of c.terms) {
      if (!Number.isInteger(j) || j < 0 || j >= n) throw new Error(`MILP: constraint ${r} refers to variable ${j}, outside 0..${n - 1}`);
      if (!Number.isFinite(v)) throw new Error(`MILP: constraint ${r} has a non-finite coefficient ${v}`);
    }
  });
}
