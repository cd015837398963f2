import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset, loadTableDataset, loadTimeSeriesDataset } from '../../src/index.js';
import { sharedFixture } from '../../src/testing.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-table-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('tables', () => {
  it('reads named columns, numbers as Float64Array and keeps text of non-numeric columns', async () => {
    const t = await loadTableDataset(write('people.csv', '\ufeffname,year,lat\n"Curie, Marie",1867,52.2\nNewton,1643,\n'));
    expect(t.columns).toEqual(['name', 'year', 'lat']);
    expect(t.rowCount).toBe(2);
    expect(Array.from(t.numeric.year)).toEqual([1867, 1643]);
    expect(t.numeric.lat[0]).toBe(52.2);
    expect(Number.isNaN(t.numeric.lat[1])).toBe(true);
    expect(t.text.name).toEqual(['Curie, Marie', 'Newton']);
    expect(t.text.year).toBeUndefined();
  });

  it('reads TSV by extension', async () => {
    const t = await loadTableDataset(write('x.tsv', 'a\tb\n1\t2\n'));
    expect(Array.from(t.numeric.b)).toEqual([2]);
  });

  it('names the problem in bad files', async () => {
    await expect(loadTableDataset(write('ragged.csv', 'a,b\n1,2\n3\n'))).rejects.toThrow(/ragged.csv is not a valid CSV file: .*(record|column)/i);
    await expect(loadTableDataset(write('dup.csv', 'a,a\n1,2\n'))).rejects.toThrow(/column "a" appears twice/);
    await expect(loadTableDataset(write('header.csv', 'a,b\n'))).rejects.toThrow(/has no data rows/);
    await expect(loadTableDataset(join(dir, 'missing.csv'))).rejects.toThrow(/table data file ".*missing.csv" does not exist/);
  });
});

describe('time series', () => {
  it('finds the time column and requires it to increase', async () => {
    const ts = await loadTimeSeriesDataset(write('ts.csv', 'x,time\n1,0\n2,0.5\n'));
    expect(ts.timeColumn).toBe('time');
    expect(ts.kind).toBe('timeseries');
    expect((await loadTimeSeriesDataset(write('ts2.csv', 'step,x\n1,0\n2,0.5\n'))).timeColumn).toBe('step');
    await expect(loadTimeSeriesDataset(write('back.csv', 't,x\n0,1\n1,2\n1,3\n'))).rejects.toThrow(/must increase strictly, but row 3 \(1\) follows 1; sort the file by time/);
    await expect(loadTimeSeriesDataset(write('one.csv', 't\n0\n'))).rejects.toThrow(/at least one value column/);
    // Several runs in one file: time restarts with each trajectory, and must increase within it.
    const multi = await loadTimeSeriesDataset(write('multi.csv', 't,x,trajectory\n0,1,0\n1,2,0\n0,5,1\n1,6,1\n'));
    expect(multi.rowCount).toBe(4);
    await expect(loadTimeSeriesDataset(write('multi-bad.csv', 't,x,trajectory\n0,1,a\n1,2,a\n1,5,a\n'))).rejects.toThrow(/must increase strictly within each trajectory/);
    await expect(loadTimeSeriesDataset(write('nan.csv', 't,x\n0,1\nlater,2\n'))).rejects.toThrow(/non-numeric value at data row 2/);
  });

  const lorenz = sharedFixture('data/sindy/lorenz_n0.01.csv');
  it.skipIf(!lorenz.path)(`loads the Lorenz benchmark series (n=5001, dt=0.002 per its README) ${lorenz.reason}`, async () => {
    const ts = await loadDataset(lorenz.path!, 'timeseries');
    if (ts.kind === 'text') throw new Error('expected a table');
    expect(ts.columns).toEqual(['t', 'x0', 'x1', 'x2']);
    expect(ts.rowCount).toBe(5001);
    expect(ts.numeric.t[1]).toBeCloseTo(0.002, 15);
    expect(ts.numeric.t[5000]).toBeCloseTo(10, 12);
  });
});
