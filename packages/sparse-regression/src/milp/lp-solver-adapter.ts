/**
 * javascript-lp-solver behind the MilpSolver interface. It reports no optimality proof and, in our
 * measurements, does not honour its timeout on hard MILPs, so a result is "optimal" only when it returns
 * a feasible integral answer within the time limit, and its bound is that objective (its own branch and
 * bound is exhaustive when it finishes).
 */
import lpSolverModule from 'javascript-lp-solver';
import { validateMilp, type MilpProblem, type MilpSolution, type MilpSolveOptions, type MilpSolver } from './milp-solver.js';

// Typed as CommonJS under NodeNext, so the default import's type is the namespace; accept either shape.
type LpSolver = { Solve(model: unknown): unknown };
const solver: LpSolver = (lpSolverModule as unknown as { default?: LpSolver }).default ?? (lpSolverModule as unknown as LpSolver);

interface LpModel {
  optimize: string;
  opType: 'min';
  constraints: Record<string, { min?: number; max?: number; equal?: number }>;
  variables: Record<string, Record<string, number>>;
  ints: Record<string, 1>;
  unrestricted: Record<string, 1>;
  options: { timeout: number };
}

export function javascriptLpSolver(): MilpSolver {
  return {
    name: 'javascript-lp-solver',
    provesOptimality: false,
    async solve(problem: MilpProblem, options: MilpSolveOptions = {}): Promise<MilpSolution> {
      validateMilp(problem);
      const timeLimitMs = options.timeLimitMs ?? 60_000;
      // The objective is stored as a constraint-like attribute "obj" of each variable.
      const model: LpModel = {
        optimize: 'obj',
        opType: 'min',
        constraints: {},
        variables: {},
        ints: {},
        unrestricted: {},
        options: { timeout: timeLimitMs },
      };
      const vname = (j: number): string => `x${j}`;
      for (let j = 0; j < problem.variableCount; j++) {
        model.variables[vname(j)] = { obj: problem.objective[j] };
        if (problem.integer[j]) model.ints[vname(j)] = 1;
        const lo = problem.lower[j];
        const hi = problem.upper[j];
        // The solver's variables are >= 0 unless unrestricted; other bounds become rows.
        if (lo !== 0) model.unrestricted[vname(j)] = 1;
        if (lo !== 0 && lo > -Infinity) {
          model.constraints[`lb${j}`] = { min: lo };
          model.variables[vname(j)][`lb${j}`] = 1;
        }
        if (hi < Infinity) {
          model.constraints[`ub${j}`] = { max: hi };
          model.variables[vname(j)][`ub${j}`] = 1;
        }
      }
      problem.constraints.forEach((c, r) => {
        const row: { min?: number; max?: number; equal?: number } = {};
        if (c.lower !== undefined && c.upper !== undefined && c.lower === c.upper) row.equal = c.lower;
        else {
          if (c.lower !== undefined && c.lower > -Infinity) row.min = c.lower;
          if (c.upper !== undefined && c.upper < Infinity) row.max = c.upper;
        }
        model.constraints[`c${r}`] = row;
        for (const [j, v] of c.terms) model.variables[vname(j)][`c${r}`] = (model.variables[vname(j)][`c${r}`] ?? 0) + v;
      });
      const start = performance.now();
      const out = solver.Solve(model) as unknown as Record<string, number | boolean | undefined>;
      const elapsed = performance.now() - start;
      if (!out.feasible) return { status: 'infeasible', x: null, objective: Number.NaN, bound: -Infinity };
      if (out.bounded === false) return { status: 'unbounded', x: null, objective: Number.NaN, bound: -Infinity };
      const x = new Float64Array(problem.variableCount);
      for (let j = 0; j < problem.variableCount; j++) x[j] = Number(out[vname(j)] ?? 0);
      let objective = 0;
      for (let j = 0; j < problem.variableCount; j++) objective += problem.objective[j] * x[j];
      const finished = elapsed <= timeLimitMs && out.isIntegral !== false;
      return { status: finished ? 'optimal' : 'time-limit', x, objective, bound: finished ? objective : -Infinity };
    },
  };
}
