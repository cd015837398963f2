/**
 * HiGHS (WebAssembly build of the Edinburgh branch-and-cut solver) behind the MilpSolver interface.
 * The model is passed as CPLEX LP text; the persistent model API gives the proven dual bound when a
 * time limit stops the solve.
 */
import highsModule from 'highs';
import { validateMilp, type MilpProblem, type MilpSolution, type MilpSolveOptions, type MilpSolver } from './milp-solver.js';

// The package's types describe an ES module but it is typed as CommonJS under NodeNext resolution, so
// the default import's type is the namespace; at run time it is the loader. Accept either shape.
type HighsLoader = (typeof highsModule)['default'];
const loadHighs: HighsLoader = (highsModule as unknown as { default?: HighsLoader }).default ?? (highsModule as unknown as HighsLoader);
type Highs = Awaited<ReturnType<HighsLoader>>;
let highsPromise: Promise<Highs> | null = null;

function num(v: number): string {
  // LP format wants plain decimal or exponent numbers; 17 significant digits round-trip doubles.
  return Number.isInteger(v) ? String(v) : v.toPrecision(17);
}

function term(coef: number, name: string, first: boolean): string {
  const sign = coef < 0 ? '-' : first ? '' : '+';
  return `${sign} ${num(Math.abs(coef))} ${name}`;
}

/** CPLEX LP text for the problem; variables are named x0, x1, ... */
export function milpToLpText(problem: MilpProblem): string {
  const name = (j: number): string => `x${j}`;
  const lines: string[] = ['Minimize'];
  const obj = problem.objective.map((c, j) => [c, j] as const).filter(([c]) => c !== 0);
  lines.push(' obj: ' + (obj.length ? obj.map(([c, j], i) => term(c, name(j), i === 0)).join(' ') : `0 ${name(0)}`));
  lines.push('Subject To');
  problem.constraints.forEach((c, r) => {
    const terms = c.terms.filter(([, v]) => v !== 0);
    if (terms.length === 0) return;
    const expr = terms.map(([j, v], i) => term(v, name(j), i === 0)).join(' ');
    const lo = c.lower ?? -Infinity;
    const hi = c.upper ?? Infinity;
    if (lo === hi) lines.push(` c${r}: ${expr} = ${num(lo)}`);
    else {
      if (lo > -Infinity) lines.push(` c${r}l: ${expr} >= ${num(lo)}`);
      if (hi < Infinity) lines.push(` c${r}u: ${expr} <= ${num(hi)}`);
    }
  });
  lines.push('Bounds');
  for (let j = 0; j < problem.variableCount; j++) {
    const lo = problem.lower[j];
    const hi = problem.upper[j];
    if (lo === -Infinity && hi === Infinity) lines.push(` ${name(j)} free`);
    else lines.push(` ${lo === -Infinity ? '-inf' : num(lo)} <= ${name(j)} <= ${hi === Infinity ? '+inf' : num(hi)}`);
  }
  const ints = Array.from({ length: problem.variableCount }, (_, j) => j).filter((j) => problem.integer[j]);
  if (ints.length) lines.push('Generals', ' ' + ints.map(name).join(' '));
  lines.push('End');
  return lines.join('\n');
}

type HighsModel = ReturnType<Highs['createModel']>;

function runAndRead(model: HighsModel, problem: MilpProblem, columns: number[], options: MilpSolveOptions): MilpSolution {
  model.options.set({
    output_flag: false,
    // Options persist on a kept model, so both limits are set on every solve.
    time_limit: options.timeLimitMs === undefined ? 1e30 : Math.max(0.001, options.timeLimitMs / 1000),
    mip_max_nodes: options.nodeLimit === undefined ? 2147483647 : Math.max(1, Math.floor(options.nodeLimit)),
    mip_rel_gap: options.relativeGap ?? 1e-9,
    mip_abs_gap: 0,
  });
  // HiGHS counts time_limit over every run of a kept model; each solve gets its own budget.
  model.zeroAllClocks();
  model.run();
  const code = model.getModelStatus();
  const status: MilpSolution['status'] =
    code === 7
      ? 'optimal'
      : code === 13
        ? 'time-limit'
        : code === 14 || code === 16
          ? 'work-limit'
          : code === 8
            ? 'infeasible'
            : code === 10 || code === 9
              ? 'unbounded'
              : 'error';
  if (status === 'infeasible' || status === 'unbounded' || status === 'error') {
    return { status, x: null, objective: Number.NaN, bound: -Infinity, message: `HiGHS model status ${code}` };
  }
  const col = model.getSolution().colValue;
  const x = new Float64Array(problem.variableCount);
  let hasSolution = true;
  for (let j = 0; j < problem.variableCount; j++) {
    x[j] = col[columns[j]];
    if (!Number.isFinite(x[j])) hasSolution = false;
  }
  const objective = hasSolution ? model.getObjectiveValue() : Number.NaN;
  let bound = -Infinity;
  try {
    const b = Number(model.info.get('mip_dual_bound'));
    if (Number.isFinite(b)) bound = b;
  } catch {
    bound = -Infinity;
  }
  if (status === 'optimal' && !Number.isFinite(bound)) bound = objective;
  return { status, x: hasSolution ? x : null, objective, bound: Math.min(bound, objective) };
}

export function highsSolver(): MilpSolver {
  const load = async (problem: MilpProblem): Promise<{ model: HighsModel; columns: number[] }> => {
    validateMilp(problem);
    highsPromise ??= loadHighs();
    const highs = await highsPromise;
    const model = highs.createModel({ format: 'lp', data: milpToLpText(problem) });
    // LP text numbers columns in order of appearance; map ours to theirs once.
    const columns = Array.from({ length: problem.variableCount }, (_, j) => model.getColByName(`x${j}`));
    return { model, columns };
  };
  return {
    name: 'highs',
    provesOptimality: true,
    async solve(problem: MilpProblem, options: MilpSolveOptions = {}): Promise<MilpSolution> {
      const { model, columns } = await load(problem);
      try {
        return runAndRead(model, problem, columns, options);
      } finally {
        model.dispose();
      }
    },
    async open(problem: MilpProblem) {
      const { model, columns } = await load(problem);
      const current = { ...problem, constraints: [...problem.constraints] };
      return {
        addConstraint(c) {
          const terms = c.terms.filter(([, v]) => v !== 0);
          for (const [j, v] of terms) {
            if (!Number.isInteger(j) || j < 0 || j >= problem.variableCount) throw new Error(`MILP: a new row refers to variable ${j}, outside 0..${problem.variableCount - 1}`);
            if (!Number.isFinite(v)) throw new Error(`MILP: a new row has a non-finite coefficient ${v}`);
          }
          model.addRow(c.lower ?? -Infinity, c.upper ?? Infinity, {
            indices: Int32Array.from(terms, ([j]) => columns[j]),
            values: Float64Array.from(terms, ([, v]) => v),
          });
          current.constraints.push(c);
        },
        async solve(options: MilpSolveOptions = {}) {
          return runAndRead(model, current, columns, options);
        },
        dispose() {
          model.dispose();
        },
      };
    },
  };
}
