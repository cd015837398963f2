/**
 * Turning a table into trajectories: a time column, the state columns, and optionally a trajectory id
 * column that splits the rows into several independent runs. Checks what differentiation needs
 * (finite values, strictly increasing and, unless resampling is asked for, uniform time) and says how
 * to fix the input when it is not.
 */
import type { TableDataset } from '@marr/core';

export interface Trajectory {
  /** Sample times. */
  t: Float64Array;
  /** States, row-major samples x stateNames.length. */
  x: Float64Array;
}

export interface TimeSeries {
  stateNames: string[];
  trajectories: Trajectory[];
}

export interface TimeSeriesOptions {
  /** State columns (default: every column except time, trajectory and derivative columns `dx...`). */
  states?: readonly string[];
  /** Time column name (default `t`). */
  timeColumn?: string;
  /** Column holding a trajectory id (default `trajectory` when present). */
  trajectoryColumn?: string;
  /** Resample irregular time grids onto a uniform one by linear interpolation (default false: error). */
  resample?: boolean;
  /** Relative spacing tolerance for "uniform" (default 1e-6). */
  uniformTolerance?: number;
}

/** Is this a derivative column of some other column (`dx0` next to `x0`)? */
function isDerivativeColumn(name: string, columns: readonly string[]): boolean {
  return name.startsWith('d') && columns.includes(name.slice(1));
}

/**
 * Largest magnitude accepted in the time and state columns: the polynomial library multiplies states
 * and the derivative estimates subtract and divide them, so values near the float64 limit (1e308)
 * overflow to Infinity and NaN long before any fit; 1e100 leaves room for degree-3 products.
 */
export const MAX_SERIES_MAGNITUDE = 1e100;

export function timeSeriesFromTable(table: TableDataset, options: TimeSeriesOptions = {}): TimeSeries {
  const timeColumn = options.timeColumn ?? table.timeColumn ?? 't';
  const where = table.path;
  if (!table.columns.includes(timeColumn)) {
    throw new Error(`${where}: no time column "${timeColumn}" (columns: ${table.columns.join(', ')}); name it "t" or pass timeColumn`);
  }
  const trajectoryColumn = options.trajectoryColumn ?? (table.columns.includes('trajectory') ? 'trajectory' : undefined);
  if (trajectoryColumn && !table.columns.includes(trajectoryColumn)) {
    throw new Error(`${where}: no trajectory column "${trajectoryColumn}" (columns: ${table.columns.join(', ')})`);
  }
  const stateNames = options.states
    ? [...options.states]
    : table.columns.filter((c) => c !== timeColumn && c !== trajectoryColumn && !isDerivativeColumn(c, table.columns));
  if (stateNames.length === 0) throw new Error(`${where}: no state columns; the table needs columns besides "${timeColumn}"`);
  for (const s of stateNames) {
    if (!table.columns.includes(s)) throw new Error(`${where}: state column "${s}" not found (columns: ${table.columns.join(', ')})`);
  }
  const n = table.rowCount;
  const t = table.numeric[timeColumn];
  for (const c of [timeColumn, ...stateNames, ...(trajectoryColumn ? [trajectoryColumn] : [])]) {
    const col = table.numeric[c];
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(col[i])) {
        throw new Error(`${where}: column "${c}" has a missing or non-numeric value (${table.text[c]?.[i] ?? col[i]}) at row ${i + 2}; drop or impute those rows first`);
      }
      if (Math.abs(col[i]) > MAX_SERIES_MAGNITUDE) {
        throw new Error(
          `${where}: column "${c}" has the value ${col[i]} at row ${i + 2}, too large for the library products and derivative estimates to stay finite (limit ${MAX_SERIES_MAGNITUDE}); rescale the column`,
        );
      }
    }
  }
  // Split rows into trajectories, keeping their order of first appearance.
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const id = trajectoryColumn ? table.numeric[trajectoryColumn][i] : 0;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(i);
  }
  const d = stateNames.length;
  const tol = options.uniformTolerance ?? 1e-6;
  const trajectories: Trajectory[] = [];
  for (const [id, rows] of groups) {
    const label = trajectoryColumn ? ` (trajectory ${id})` : '';
    const tt = Float64Array.from(rows, (i) => t[i]);
    const x = new Float64Array(rows.length * d);
    rows.forEach((i, r) => stateNames.forEach((s, j) => (x[r * d + j] = table.numeric[s][i])));
    for (let r = 1; r < tt.length; r++) {
      if (!(tt[r] > tt[r - 1])) {
        throw new Error(
          `${where}${label}: time is not strictly increasing at row ${rows[r] + 2} (t = ${tt[r]} after ${tt[r - 1]}); sort the rows by time and remove duplicates`,
        );
      }
    }
    const span = tt[tt.length - 1] - tt[0];
    const dt = span / Math.max(1, tt.length - 1);
    let irregular = false;
    for (let r = 1; r < tt.length; r++) if (Math.abs(tt[r] - tt[r - 1] - dt) > tol * Math.max(dt, 1e-300)) irregular = true;
    if (irregular && !options.resample) {
      throw new Error(
        `${where}${label}: the time steps are irregular (mean step ${dt}); smoothing and the benchmark protocol need a uniform grid. Resample onto a uniform grid (param resample=true) or provide uniformly sampled data`,
      );
    }
    trajectories.push(irregular ? resampleUniform(tt, x, d) : { t: tt, x });
  }
  return { stateNames, trajectories };
}

/** Linear interpolation onto n equally spaced times spanning the same interval. */
export function resampleUniform(t: Float64Array, x: Float64Array, columns: number): Trajectory {
  const n = t.length;
  const t0 = t[0];
  const dt = (t[n - 1] - t0) / (n - 1);
  const nt = new Float64Array(n);
  const nx = new Float64Array(n * columns);
  let seg = 0;
  for (let i = 0; i < n; i++) {
    const ti = i === n - 1 ? t[n - 1] : t0 + i * dt;
    nt[i] = ti;
    while (seg < n - 2 && t[seg + 1] < ti) seg++;
    const w = (ti - t[seg]) / (t[seg + 1] - t[seg]);
    for (let c = 0; c < columns; c++) nx[i * columns + c] = (1 - w) * x[seg * columns + c] + w * x[(seg + 1) * columns + c];
  }
  return { t: nt, x: nx };
}
