/** The `sindy` analysis: discover sparse dynamics in one time-series table. */
import { defineAnalysis, MarrUsageError, type Report, type ReportSection } from '@marr/core';
import { timeSeriesFromTable } from '../data/time-series.js';
import { discoverModel } from '../model/discover.js';
import { modelEquations, type SindyModel } from '../model/fit-sindy.js';
import { simulateModel } from '../model/simulate.js';
import { jsonNumber, thinIndices } from './json.js';
import { sindyParams } from './sindy-params.js';
import { sindyResults } from './results.js';
import { asUsageError } from './usage-errors.js';

export const sindyAnalysis = defineAnalysis({
  id: 'sindy',
  title: 'Sparse identification of nonlinear dynamics (exact MIO)',
  level: 'algorithmic',
  summary: 'Discover sparse polynomial ODEs from a time series, solved to proven optimality by mixed-integer optimisation',
  description:
    'Differentiates the series (finite differences or Savitzky-Golay smoothed FD), builds a polynomial library in PySINDy order and ' +
    'solves min ||y - Theta xi||^2 + alpha ||xi||^2 s.t. ||xi||_0 <= k per equation to proven optimality (branch and bound), ' +
    'or fits STLSQ / SR3. Without k, each equation picks k by held-out AICc. Reports the coefficients, the proof (bound and gap) ' +
    'and how well the simulated model reproduces the data.',
  references: [
    { title: 'Bertsimas & Gurnee, Learning Sparse Nonlinear Dynamics via Mixed-Integer Optimization (Nonlinear Dynamics, 2023)', url: 'https://arxiv.org/abs/2206.00176' },
    { title: 'Brunton, Proctor & Kutz, Discovering governing equations from data (PNAS, 2016)' },
  ],
  inputs: { data: { kind: 'timeseries', required: true, description: 'CSV with a time column t and state columns (optionally a trajectory id column)' } },
  params: sindyParams,
  results: sindyResults,
  async run(ctx): Promise<Report> {
    const { params } = ctx;
    const data = ctx.data;
    if (!data || data.kind === 'text') throw new MarrUsageError('sindy needs a time-series CSV: pass --data <file.csv> with a t column and state columns');
    const series = asUsageError('sindy input', () =>
      timeSeriesFromTable(data, { states: params.states, timeColumn: params.timeColumn, trajectoryColumn: params.trajectoryColumn, resample: params.resample }),
    );
    ctx.progress.start('fitting', 1);
    const started = performance.now();
    const found = asUsageError('sindy', () =>
      discoverModel(series, {
        degree: params.degree,
        derivative: params.derivative,
        smoothingWindow: params.smoothingWindow,
        method: params.method,
        k: params.k,
        totalK: params.totalK,
        kMax: params.kMax,
        alpha: params.alpha,
        alphaGrid: params.alphaGrid,
        threshold: params.threshold,
        nu: params.nu,
        ensemble: params.ensemble,
        validationFraction: params.validationFraction,
        timeLimitMs: params.timeLimit * 1000,
        simulate: params.simulate,
        seed: ctx.seed,
      }),
    );
    // Wall-clock time is a timing, not a result (the runner records it under timings.phases.analysis).
    ctx.log(`fit took ${((performance.now() - started) / 1000).toFixed(2)} s`);
    ctx.progress.tick();
    ctx.progress.done();
    const { model } = found;
    const equations = modelEquations(model);
    for (const e of equations) ctx.log(e);
    return sindyReport(model, found, equations, series, params.method, params.degree);
  },
});

function sindyReport(
  model: SindyModel,
  found: ReturnType<typeof discoverModel>,
  equations: string[],
  series: ReturnType<typeof timeSeriesFromTable>,
  method: string,
  degree: number,
): Report {
  const nonzero = model.support.reduce((a, row) => a + row.reduce((b, v) => b + v, 0), 0);
  const simR2 = found.simulationR2.filter((v): v is number => v !== null);
  const proof =
    method === 'mio'
      ? model.optimal
        ? `proven optimal (gap ${model.gap.toExponential(1)})`
        : `NOT proven optimal: gap ${model.gap.toExponential(2)} when the time limit stopped the search`
      : 'a heuristic (no optimality proof)';
  const sections: ReportSection[] = [
    { kind: 'note', title: 'Discovered equations', text: equations.join('\n') },
    {
      kind: 'scalars',
      title: 'Fit',
      items: [
        { name: 'nonzero terms', value: nonzero },
        { name: 'library size', value: model.featureNames.length },
        ...(Number.isFinite(model.objective) ? [{ name: 'MIO objective', value: model.objective, help: 'sum over equations of ||y - Theta xi||^2 + alpha ||xi||^2' }] : []),
        ...(Number.isFinite(model.lowerBound) ? [{ name: 'proven lower bound', value: model.lowerBound }] : []),
        ...(Number.isFinite(model.gap) ? [{ name: 'optimality gap', value: model.gap, help: '(objective - bound) / objective' }] : []),
        { name: 'derivative R^2', value: found.derivativeR2, help: 'fitted right-hand side vs estimated derivatives' },
        ...(simR2.length ? [{ name: 'simulation R^2 (mean)', value: simR2.reduce((a, b) => a + b, 0) / simR2.length, help: 'simulated model vs data from the first state' }] : []),
      ],
    },
    {
      kind: 'table',
      title: 'Nonzero coefficients',
      columns: ['equation', 'term', 'coefficient'],
      rows: model.coefficients.flatMap((row, e) => row.flatMap((c, j) => (c !== 0 ? [[`${model.stateNames[e]}'`, model.featureNames[j], c]] : []))),
    },
    {
      kind: 'figure',
      figure: {
        type: 'heatmap',
        title: 'Coefficients (rows: equations, columns: library terms)',
        x: { label: 'library term' },
        y: { label: 'equation' },
        xLabels: model.featureNames,
        yLabels: model.stateNames.map((s) => `${s}'`),
        values: model.coefficients,
        colorLabel: 'coefficient',
      },
    },
  ];
  if (found.simulationR2.length > 0) {
    const tr = series.trajectories[0];
    const d = model.stateNames.length;
    const sim = simulateModel(model, tr.x.subarray(0, d), tr.t);
    const idx = thinIndices(tr.t.length, 400).filter((i) => i < sim.reached);
    sections.push({
      kind: 'figure',
      figure: {
        type: 'line',
        title: 'Data and simulated model (first trajectory)',
        x: { label: 't' },
        y: { label: 'state' },
        series: model.stateNames.flatMap((s, j) => [
          { name: `${s} data`, x: idx.map((i) => tr.t[i]), y: idx.map((i) => tr.x[i * d + j]) },
          { name: `${s} model`, x: idx.map((i) => tr.t[i]), y: idx.map((i) => sim.x[i * d + j]) },
        ]),
      },
      caption: sim.success ? 'The discovered model integrated from the first sample (RK45).' : `The simulation stopped early: ${sim.message}`,
    });
  }
  const edge = found.selection ? selectionAtEdge(found.selection, model.stateNames) : null;
  if (edge) sections.push({ kind: 'note', title: 'Selection at the edge of its range', text: edge });
  if (found.selection) {
    sections.push({
      kind: 'table',
      title: 'Held-out AICc per candidate (lower is better)',
      columns: ['candidate', ...model.stateNames.map((s) => `${s}'`)],
      rows: found.selection.scores.map((s) => [s.label, ...s.aicc.map((v) => jsonNumber(v))]),
      terminalRows: 12,
    });
  }
  return {
    summary:
      `${method.toUpperCase()} found ${nonzero} terms in ${model.stateNames.length} equations from a degree-${degree} library of ${model.featureNames.length} terms; the solution is ${proof}. ` +
      equations.join('; ') + (edge ? `. ${edge}` : ''),
    results: {
      featureNames: model.featureNames,
      stateNames: model.stateNames,
      coefficients: model.coefficients,
      support: model.support,
      equations,
      objective: jsonNumber(model.objective),
      lowerBound: jsonNumber(model.lowerBound),
      gap: jsonNumber(model.gap),
      optimal: model.optimal,
      method,
      selectedCandidates: found.selection ? found.selection.chosen : null,
      derivativeR2: jsonNumber(found.derivativeR2),
      simulationR2: found.simulationR2.map((v) => (v === null ? null : jsonNumber(v))),
    },
    sections,
  };
}

/**
 * Says which equations' held-out AICc chose the last candidate of its range (the largest k, or the
 * smallest or largest threshold), where a better one may lie outside the range searched; null when none did.
 */
export function selectionAtEdge(selection: { chosen: string[]; scores: { label: string }[] }, stateNames: readonly string[]): string | null {
  const value = (label: string, key: string): number | null => {
    const m = new RegExp(`${key}=([-+0-9.eE]+)`).exec(label);
    return m ? Number(m[1]) : null;
  };
  const notes: string[] = [];
  for (const key of ['k', 'threshold']) {
    const all = selection.scores.map((s) => value(s.label, key)).filter((v): v is number => v !== null);
    if (new Set(all).size < 2) continue;
    const lo = Math.min(...all), hi = Math.max(...all);
    const at = selection.chosen.map((c, e) => ({ e, v: value(c, key) })).filter((x) => x.v !== null && (key === 'k' ? x.v === hi : x.v === lo || x.v === hi));
    if (at.length === 0) continue;
    const eqs = at.map((x) => `${stateNames[x.e]}'`).join(', ');
    notes.push(key === 'k'
      ? `AICc chose the largest k tried (k = ${hi}) for ${eqs}: the selection sits at the edge of its range, so larger supports were not compared (and on noise-free data AICc tends to add tiny terms); raise kMax, or set k, to check.`
      : `AICc chose a threshold at the end of the grid (${at.map((x) => x.v).join(', ')}) for ${eqs}: a better threshold may lie outside the range searched.`);
  }
  return notes.length ? notes.join(' ') : null;
}
