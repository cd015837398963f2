/** The `sindy-benchmark` analysis: recovery rates of MIO vs STLSQ vs SR3 on the built-in systems. */
import { sindyBenchmarkResults } from './results.js';
import { defineAnalysis, type Report, type ReportSection } from '@marr/core';
import { z } from 'zod';
import { runSuccessRateBenchmark } from '../benchmark/success-rate.js';
import { BUILTIN_SYSTEMS } from '../systems/builtin-systems.js';
import { jsonNumber } from './json.js';

const systemNames = Object.keys(BUILTIN_SYSTEMS) as [string, ...string[]];

export const sindyBenchmarkParams = z.object({
  systems: z.array(z.enum(systemNames)).default(['lorenz', 'hopf', 'vanderpol', 'duffing', 'lotka_volterra', 'rossler', 'cubic_oscillator']).describe('Built-in systems to test'),
  lengthFactors: z.array(z.number().positive()).default([0.25, 0.5, 1, 2]).describe('Trajectory lengths as multiples of each system\'s reference duration'),
  noiseLevels: z.array(z.number().min(0)).default([0.001, 0.01]).describe('Noise as a fraction of each state\'s standard deviation'),
  methods: z.array(z.enum(['mio', 'stlsq', 'sr3'])).default(['mio', 'stlsq', 'sr3']).describe('Methods to compare'),
  trials: z.number().int().min(1).default(3).describe('Trials (random initial states and noise) per setting'),
  degree: z.number().int().min(1).max(5).optional().describe('Library degree (default: each system\'s own degree)'),
  kMax: z.number().int().min(1).max(10).default(5).describe('MIO: largest k tried by AICc'),
  timeLimit: z.number().positive().default(30).describe('MIO time limit per solve (s)'),
});

export const sindyBenchmarkAnalysis = defineAnalysis({
  id: 'sindy-benchmark',
  title: 'SINDy recovery benchmark: exact MIO vs STLSQ vs SR3',
  level: 'computational',
  summary: 'Success-rate curves (true positivity) of MIO, STLSQ and SR3 on built-in systems over trajectory lengths and noise levels',
  description:
    'Reproduces the protocol of Bertsimas & Gurnee: simulate each built-in system (Lorenz, Hopf, Van der Pol, Duffing, Lotka-Volterra, ' +
    'Rossler, cubic oscillator) from perturbed initial states, add noise, differentiate with smoothed finite differences, fit each method ' +
    'with hyperparameters chosen by held-out AICc, and score TP/(TP+FP+FN) against the true equations.',
  references: [{ title: 'Bertsimas & Gurnee, Learning Sparse Nonlinear Dynamics via Mixed-Integer Optimization (2023)', url: 'https://arxiv.org/abs/2206.00176' }],
  inputs: {},
  params: sindyBenchmarkParams,
  results: sindyBenchmarkResults,
  async run(ctx): Promise<Report> {
    const p = ctx.params;
    const total = p.systems.length * p.noiseLevels.length * p.lengthFactors.length * p.trials * p.methods.length;
    ctx.progress.start('trials', total);
    const curves = runSuccessRateBenchmark({
      systems: p.systems,
      lengthFactors: p.lengthFactors,
      noiseLevels: p.noiseLevels,
      methods: p.methods,
      trials: p.trials,
      degree: p.degree,
      kMax: p.kMax,
      seed: ctx.seed,
      timeLimitMs: p.timeLimit * 1000,
      onTrial: () => {
        ctx.progress.tick();
        return ctx.signal.aborted;
      },
    });
    ctx.progress.done();
    const sections: ReportSection[] = [];
    for (const system of p.systems) {
      const mine = curves.filter((c) => c.system === system);
      sections.push({
        kind: 'figure',
        figure: {
          type: 'line',
          title: `${system}: mean true positivity vs trajectory length`,
          x: { label: 'trajectory duration' },
          y: { label: 'mean TP / (TP + FP + FN)', domain: [0, 1] },
          series: mine.map((c) => ({ name: `${c.method} noise ${c.noise}`, x: c.durations, y: c.meanTruePositivity.map((v) => (Number.isFinite(v) ? v : 0)) })),
        },
      });
    }
    const rows = curves.flatMap((c) =>
      c.durations.map((dur, i) => [
        c.system, c.method, c.noise, dur, jsonNumber(c.meanTruePositivity[i]), jsonNumber(c.successRate[i]), jsonNumber(c.meanSeconds[i]), jsonNumber(c.provenRate[i]),
      ]),
    );
    sections.push({
      kind: 'table',
      title: 'Recovery per setting',
      columns: ['system', 'method', 'noise', 'duration', 'mean TP', 'success rate', 'mean s', 'proven optimal (MIO)'],
      rows,
      terminalRows: 24,
    });
    const overall = p.methods.map((m) => {
      const vals = curves.filter((c) => c.method === m).flatMap((c) => c.meanTruePositivity).filter(Number.isFinite);
      return { method: m, mean: vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length) };
    });
    sections.unshift({ kind: 'scalars', title: 'Mean true positivity over all settings', items: overall.map((o) => ({ name: o.method, value: o.mean })) });
    return {
      summary: `Mean true positivity over ${curves.length / Math.max(1, p.methods.length)} system/noise settings: ` + overall.map((o) => `${o.method} ${o.mean.toFixed(2)}`).join(', ') + '.',
      results: {
        curves: curves.map((c) => ({
          system: c.system,
          method: c.method,
          noise: c.noise,
          durations: c.durations,
          meanTruePositivity: c.meanTruePositivity.map(jsonNumber),
          successRate: c.successRate.map(jsonNumber),
          meanSeconds: c.meanSeconds.map(jsonNumber),
          provenRate: c.provenRate.map(jsonNumber),
        })),
        overall: Object.fromEntries(overall.map((o) => [o.method, o.mean])),
      },
      sections,
    };
  },
});
