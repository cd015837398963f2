/**
 * Entities from a table: a name column, one or two target columns (latitude and longitude for places,
 * a year or a date for dated entities), optionally a grouping column (country, state, decade) and a
 * split column (the paper's `is_test`). Rows whose name is empty or whose target is missing are dropped
 * and counted; everything else that is wrong is one usage error naming the column and the fix.
 */
import { MarrUsageError, type TableDataset } from '@marr/core';

export type TargetKind = 'place' | 'scalar';

export interface EntityTable {
  names: string[];
  /** One column of values per target, in the order the targets were named. */
  targets: Float64Array[];
  targetNames: string[];
  kind: TargetKind;
  /** The grouping column's value per entity, or null without a group column. */
  groups: string[] | null;
  /** The split column's value per entity (true = test), or null without one. */
  isTest: boolean[] | null;
  /** Table row (0-based, header not counted) of each entity. */
  rows: number[];
  /** Rows dropped because the name was empty or a target was missing or unreadable. */
  dropped: number;
  /** The first few target cells that were neither empty nor readable (data row 1-based), for a note. */
  unreadable: { row: number; column: string; cell: string }[];
}

type Table = Pick<TableDataset, 'columns' | 'numeric' | 'text' | 'rowCount'> & { path: string };

const NS_DAY = 24 * 60 * 60 * 1000;
const DATE = /^(-?\d{1,6})-(\d{1,2})(?:-(\d{1,2}))?(?:[T ].*)?$/;

/**
 * A date cell as a fractional year, the authors' way: days since 1970-01-01 / 365.25 + 1970 (so
 * 2000-01-01 is 1999.9986). A plain number is taken as a year. NaN for an empty cell.
 */
export function yearOf(cell: string): number {
  const t = cell.trim();
  if (t === '') return NaN;
  const n = Number(t);
  if (!Number.isNaN(n)) return n;
  const m = DATE.exec(t);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, m[3] ? Number(m[3]) : 1);
  // Date.UTC maps years 0..99 to 1900..1999; set the year explicitly
  const d = new Date(ms);
  d.setUTCFullYear(Number(m[1]));
  return 1970 + d.getTime() / NS_DAY / 365.25;
}

function splitValue(cell: string, column: string, row: number, path: string): boolean {
  const v = cell.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'test' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'train' || v === 'no') return false;
  throw new MarrUsageError(`${path}: split column "${column}" has "${cell}" at data row ${row + 1}; use True/False, 1/0 or test/train (test = held out)`);
}

function column(table: Table, name: string, role: string, param: string): void {
  if (!table.columns.includes(name)) {
    throw new MarrUsageError(`${table.path} has no ${role} column "${name}" (columns: ${table.columns.slice(0, 20).join(', ')}${table.columns.length > 20 ? ', ...' : ''}); set ${param}=<column>`);
  }
}

function cellText(table: Table, name: string, row: number): string {
  const text = table.text[name];
  if (text) return text[row];
  const v = table.numeric[name][row];
  return Number.isNaN(v) ? '' : String(v);
}

export interface EntityColumns {
  nameColumn: string;
  targets: readonly string[];
  groupColumn: string;
  /** '' = use `is_test` when the table has it. */
  splitColumn: string;
}

/** Places when two targets are given (latitude then longitude), a scalar (a year) for one. */
export function readEntities(table: Table, columns: EntityColumns): EntityTable {
  const { nameColumn, targets, groupColumn } = columns;
  if (targets.length !== 1 && targets.length !== 2) {
    throw new MarrUsageError(`targets must name one column (a year or a date) or two (latitude,longitude, in that order); got ${targets.length}: ${targets.join(', ')}`);
  }
  column(table, nameColumn, 'name', 'nameColumn');
  targets.forEach((t) => column(table, t, 'target', 'targets'));
  if (groupColumn) column(table, groupColumn, 'group', 'groupColumn');
  const splitColumn = columns.splitColumn || (table.columns.includes('is_test') ? 'is_test' : '');
  if (splitColumn) column(table, splitColumn, 'split', 'splitColumn');
  const kind: TargetKind = targets.length === 2 ? 'place' : 'scalar';

  const unreadable: EntityTable['unreadable'] = [];
  const values = targets.map((t) => {
    if (!table.text[t]) return table.numeric[t];
    // a cell that is neither a number nor (for time) a date is a missing value: the row is dropped and listed
    const parsed = kind === 'place' ? Float64Array.from(table.text[t], (c) => (c.trim() === '' ? NaN : Number(c))) : Float64Array.from(table.text[t], yearOf);
    table.text[t].forEach((c, r) => {
      if (c.trim() !== '' && Number.isNaN(parsed[r]) && unreadable.length < 5) unreadable.push({ row: r + 1, column: t, cell: c });
    });
    return parsed;
  });
  if (kind === 'place') {
    const [lat, lon] = values;
    const badLat = lat.findIndex((v) => Math.abs(v) > 90);
    if (badLat >= 0) {
      throw new MarrUsageError(`${table.path}: latitude column "${targets[0]}" has ${lat[badLat]} at data row ${badLat + 1}, outside [-90, 90]; targets for places are latitude,longitude in that order`);
    }
    const badLon = lon.findIndex((v) => Math.abs(v) > 180);
    if (badLon >= 0) throw new MarrUsageError(`${table.path}: longitude column "${targets[1]}" has ${lon[badLon]} at data row ${badLon + 1}, outside [-180, 180]`);
  }

  const out: EntityTable = { names: [], targets: targets.map(() => new Float64Array(0)), targetNames: [...targets], kind, groups: groupColumn ? [] : null, isTest: splitColumn ? [] : null, rows: [], dropped: 0, unreadable };
  const kept: number[] = [];
  for (let r = 0; r < table.rowCount; r++) {
    const name = cellText(table, nameColumn, r).trim();
    if (name === '' || values.some((v) => !Number.isFinite(v[r]))) {
      out.dropped++;
      continue;
    }
    kept.push(r);
    out.names.push(name);
    out.groups?.push(cellText(table, groupColumn, r).trim());
    out.isTest?.push(splitValue(cellText(table, splitColumn, r), splitColumn, r, table.path));
  }
  if (kept.length < 10) {
    throw new MarrUsageError(`${table.path} has ${kept.length} usable rows (a name and every target); a probe needs at least 10 entities`);
  }
  out.rows = kept;
  out.targets = values.map((v) => Float64Array.from(kept, (r) => v[r]));
  return out;
}
