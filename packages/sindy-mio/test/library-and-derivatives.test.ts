import { describe, expect, it } from 'vitest';
import { readCsvTable } from '../src/data/csv-table.js';
import { timeSeriesFromTable } from '../src/data/time-series.js';
import { differentiate } from '../src/differentiation/differentiate.js';
import { polynomialExponents, polynomialLibrary } from '../src/library/polynomial-library.js';
import { BUILTIN_SYSTEMS, trueCoefficients } from '../src/systems/builtin-systems.js';
import { SYSTEMS, sharedMeta, sharedPath, sindyFixture } from './shared-sindy.js';

describe.skipIf(!sindyFixture.path)(`polynomial library and true systems against shared/data/sindy ${sindyFixture.reason}`, () => {
  it.each(SYSTEMS)('%s: names, exponents and true coefficients match the reference', (system) => {
    const meta = sharedMeta(system);
    for (const lib of Object.values(meta.libraries)) {
      const d = meta.state_names.length;
      expect(polynomialExponents(d, lib.degree)).toEqual(lib.feature_exponents);
      expect(polynomialLibrary({ degree: lib.degree }).names(meta.state_names)).toEqual(lib.feature_names);
      const truth = trueCoefficients(BUILTIN_SYSTEMS[system], lib.degree);
      truth.forEach((row, i) => row.forEach((c, j) => expect(c).toBeCloseTo(lib.true_coefficients[i][j], 12)));
    }
  });
});

describe.skipIf(!sindyFixture.path)(`derivatives against PySINDy's outputs ${sindyFixture.reason}`, () => {
  const cases = SYSTEMS.flatMap((s) => ['clean', 'n0.01', 'n0.1'].flatMap((tag) => [{ s, tag, m: 'FD' as const }, { s, tag, m: 'SFD' as const }]));
  it.each(cases)('$s $tag $m', ({ s, tag, m }) => {
    const series = timeSeriesFromTable(readCsvTable(sharedPath(`${s}_${tag}.csv`)));
    const tr = series.trajectories[0];
    const d = series.stateNames.length;
    const ours = differentiate(m === 'FD' ? 'fd' : 'smoothed-fd', tr.x, tr.t, d);
    const ref = readCsvTable(sharedPath(`derivs/${s}_${tag}_${m}.csv`));
    expect(ref.rowCount).toBe(tr.t.length);
    for (let j = 0; j < d; j++) {
      const xs = ref.numeric[`xs${j}`];
      const dx = ref.numeric[`dx${j}`];
      let scaleX = 0;
      let scaleD = 0;
      for (let i = 0; i < ref.rowCount; i++) {
        scaleX = Math.max(scaleX, Math.abs(xs[i]));
        scaleD = Math.max(scaleD, Math.abs(dx[i]));
      }
      let errX = 0;
      let errD = 0;
      for (let i = 0; i < ref.rowCount; i++) {
        errX = Math.max(errX, Math.abs(ours.states[i * d + j] - xs[i]));
        errD = Math.max(errD, Math.abs(ours.derivatives[i * d + j] - dx[i]));
      }
      expect(errX / scaleX).toBeLessThan(1e-10);
      expect(errD / scaleD).toBeLessThan(1e-9);
    }
  });
});
