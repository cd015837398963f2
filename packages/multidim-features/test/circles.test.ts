import { calendarAnswerWord, calendarPrompt } from '@marr/zoo';
import { choleskySolve, cholesky, createRng, runAnalysis, type DenseMatrix } from '@marr/core';
import { describe, expect, test } from 'vitest';
import plugin, {
  buildModularTask, circleInterventionResults, circleProbeResults, circleReplacement, fitCircleProbe, fitOnScores, interventionRows,
  probeTask, runReplacements, shuffledOrderR2,
} from '../src/index.js';
import { defaultModel, io, strip } from './helpers.js';

/** Activations with a planted circle: μ + cos(2πa/p) u + sin(2πa/p) v + a count offset along w + noise, in d dimensions. */
function plantedCircle(p: number, counts: number, d: number, seed: number, noise = 0.05) {
  const rng = createRng(seed);
  const dir = () => Array.from({ length: d }, () => rng.normal());
  const mu = dir(), u = dir(), v = dir(), w = dir();
  const values: number[] = [];
  const acts = new Float64Array(p * counts * d);
  let i = 0;
  for (let a = 0; a < p; a++) for (let b = 1; b <= counts; b++, i++) {
    values.push(a);
    const c = Math.cos((2 * Math.PI * a) / p), s = Math.sin((2 * Math.PI * a) / p);
    for (let j = 0; j < d; j++) acts[i * d + j] = mu[j] + 3 * c * u[j] + 3 * s * v[j] + 0.5 * b * w[j] + noise * rng.normal();
  }
  return { values, acts, n: p * counts };
}

describe('the circle probe on planted activations', () => {
  const p = 7, d = 24;
  const { values, acts, n } = plantedCircle(p, 6, d, 3);
  const probe = fitCircleProbe(acts, n, d, values, p, 5, 0, 'planted');

  test('recovers the circle (R² ≈ 1) and the shuffled-order control does not', () => {
    expect(probe.r2).toBeGreaterThan(0.99);
    const rng = createRng(1);
    const shuffled = shuffledOrderR2(probe.pca.scores.data, n, probe.components, values, p, Array.from({ length: 20 }, () => rng.shuffle([...Array(p).keys()])));
    expect(shuffled.reduce((a, b) => a + b, 0) / shuffled.length).toBeLessThan(0.8);
  });

  test('the column-by-column least squares equals the normal-equations solution', () => {
    const k = probe.components;
    const S = probe.pca.scores.data;
    const g: DenseMatrix = { rows: k, cols: k, data: new Float64Array(k * k) };
    for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) g.data[a * k + b] += S[i * k + a] * S[i * k + b];
    const y = values.map((a) => [Math.cos((2 * Math.PI * a) / p), Math.sin((2 * Math.PI * a) / p)]);
    const l = cholesky(g);
    for (const dim of [0, 1]) {
      const rhs = Array.from({ length: k }, (_, a) => y.reduce((s, yy, i) => s + S[i * k + a] * yy[dim], 0));
      const w = choleskySolve(l, rhs);
      const fit = fitOnScores(S, n, k, Float64Array.from(y.flat()));
      for (let a = 0; a < k; a++) expect(fit.weights[2 * a + dim]).toBeCloseTo(w[a], 9);
    }
  });

  test('the replacement is read by the probe as exactly the target circle point (x\' P W = e_t, closed form)', () => {
    const k = probe.components;
    const P = probe.pca.components.data;
    for (let t = 0; t < p; t++) {
      const x = circleReplacement(probe, t, p);
      const read = [0, 0];
      for (let c = 0; c < k; c++) {
        let xc = 0;
        for (let j = 0; j < d; j++) xc += x[j] * P[c * d + j];
        read[0] += xc * probe.weights[2 * c];
        read[1] += xc * probe.weights[2 * c + 1];
      }
      expect(read[0]).toBeCloseTo(Math.cos((2 * Math.PI * t) / p), 9);
      expect(read[1]).toBeCloseTo(Math.sin((2 * Math.PI * t) / p), 9);
    }
  });
});

test('a layer where the names do not differ gives a degenerate probe (R² 0) whose replacement is the mean', () => {
  const d = 8, n = 14;
  const acts = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) acts[i * d + j] = j + (i % 2) * 1e-3 * (j === 0 ? 1 : 0);
  const values = Array.from({ length: n }, (_, i) => Math.floor(i / 2));
  const probe = fitCircleProbe(acts, n, d, values, 7, 5, 0, 'same');
  expect(probe.degenerate).toBe(true);
  expect(probe.r2).toBeCloseTo(0, 9);
  const x = circleReplacement(probe, 3, 7);
  for (let j = 0; j < d; j++) expect(x[j]).toBeCloseTo(probe.mean[j], 12);
});

describe('the shipped default model (trained to do calendar arithmetic)', () => {
  test('the task uses the zoo corpus\'s own calendar prompts, and the name token sits where the name is', async () => {
    const model = await defaultModel();
    const days = buildModularTask(model, 'days', 'auto');
    expect(days.template).toBe('calendar');
    expect(days.problems).toHaveLength(42);
    for (const q of days.problems) {
      expect(q.prompt).toBe(calendarPrompt({ unit: 'days', count: q.b, direction: 'after', start: q.a }));
      expect(days.names[q.c]).toBe(calendarAnswerWord({ unit: 'days', count: q.b, direction: 'after', start: q.a }));
      expect(model.tokenizer!.tokenString(q.tokens[q.namePosition])).toBe(days.names[q.a]);
    }
    expect(buildModularTask(model, 'months', 'auto').problems).toHaveLength(132);
    expect(() => buildModularTask(model, 'days', 'authors')).toThrow(/unknown tokens; use --param template=calendar/);
  });

  test('a batched intervention row equals a hand-written single-prompt re-run with an independently built replacement', async () => {
    const model = await defaultModel();
    const task = buildModularTask(model, 'days', 'calendar');
    const t = await probeTask(model, task, [1], { components: 5, shuffles: 0 }, 0, io());
    const probe = t.probes[0];
    const rows = interventionRows(task);
    const outcomes = await runReplacements(model, task, rows, probe.hook, (r) => circleReplacement(probe, r.target, 7), { batchSize: 64, label: 'test' });
    const d = model.config.dModel, k = probe.components, P = probe.pca.components.data;
    // Independent replacement: R from the Cholesky factor of WᵀW (W = QR gives WᵀW = RᵀR), Q = W R⁻¹.
    const W = probe.weights;
    const wtw = { rows: 2, cols: 2, data: new Float64Array(4) };
    for (let c = 0; c < k; c++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) wtw.data[a * 2 + b] += W[2 * c + a] * W[2 * c + b];
    const L = cholesky(wtw).data; // lower: R = Lᵀ
    const [r00, r01, r11] = [L[0], L[2], L[3]];
    for (const i of [0, 37, 101, 250]) {
      const row = rows[i];
      const e = [Math.cos((2 * Math.PI * row.target) / 7), Math.sin((2 * Math.PI * row.target) / 7)];
      const u = [e[0] / r00, (e[1] - (e[0] / r00) * r01) / r11];
      const Q = Array.from({ length: k }, (_, c) => [(W[2 * c]) / r00, (W[2 * c + 1] - (W[2 * c] / r00) * r01) / r11]);
      const mean = probe.mean;
      const x = Array.from(mean);
      const muPc = Array.from({ length: k }, (_, c) => { let s = 0; for (let j = 0; j < d; j++) s += mean[j] * P[c * d + j]; return s; });
      const muPQ = [0, 1].map((a) => muPc.reduce((s, m, c) => s + m * Q[c][a], 0));
      for (let c = 0; c < k; c++) {
        const coef = u[0] * Q[c][0] + u[1] * Q[c][1] - (muPQ[0] * Q[c][0] + muPQ[1] * Q[c][1]);
        for (let j = 0; j < d; j++) x[j] += coef * P[c * d + j];
      }
      const q = task.problems[row.problem];
      const { logits } = await model.run([q.tokens], { hooks: [{ name: probe.hook, positions: [q.namePosition], edit: (act) => { for (let j = 0; j < d; j++) act.data[q.namePosition * d + j] = x[j]; } }] });
      const last = logits!.select(0, 0).select(0, q.tokens.length - 1);
      const diff = last.data[task.answerTokens[q.c]] - last.data[task.answerTokens[row.newAnswer]];
      expect(outcomes[i].logitDiff).toBeCloseTo(diff, 3);
    }
  });

  test('headline: a day-of-week circle, and moving along it moves the answer in a clear majority of cases', async () => {
    const model = await defaultModel();
    const find = (id: string) => plugin.analyses.find((a) => a.id === id)!;
    const probe = await runAnalysis({ plugin, analysis: find('circle-probe'), models: [model], params: { tasks: ['days'] } });
    const pr = circleProbeResults.parse(probe.results).tasks[0];
    expect(pr.bestR2).toBeGreaterThan(0.9);
    const best = pr.layers.find((l) => l.layer === pr.bestLayer)!;
    expect(best.shuffledR2Mean!).toBeLessThan(best.r2 - 0.1);
    // The activations in the probe's plane: 7 points on a circle (a line passes through at most 2 of the 7 days).
    expect(pr.bestPlane.separabilityIndex).toBeGreaterThan(1);
    expect(pr.bestPlane.mixtureIndex).toBeLessThan(0.35);

    const a = await runAnalysis({ plugin, analysis: find('circle-intervention'), models: [model], params: { tasks: ['days'] } });
    const b = await runAnalysis({ plugin, analysis: find('circle-intervention'), models: [model], params: { tasks: ['days'] } });
    expect(strip(b)).toBe(strip(a));
    const ir = circleInterventionResults.parse(a.results).tasks[0];
    const at = ir.layers.find((l) => l.layer === ir.bestLayer)!;
    expect(at.pairs).toBe(42 * 6);
    expect(at.before.keptFraction).toBeGreaterThan(0.9);
    expect(at.intervention.movedFraction).toBeGreaterThan(0.6);
    expect(at.meanAblation.movedFraction).toBeLessThan(0.3);
    expect(at.intervention.meanLogitDiff).toBeLessThan(0);
    expect(at.before.meanLogitDiff).toBeGreaterThan(3);
  });

  test('a layer that does not exist is refused with the range', async () => {
    const model = await defaultModel();
    const analysis = plugin.analyses.find((a) => a.id === 'circle-probe')!;
    await expect(runAnalysis({ plugin, analysis, models: [model], params: { layers: [7] } })).rejects.toThrow(/layer 7 does not exist; this model has layers 0..2/);
  });
});
