import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calendarAnswerWord, calendarPrompt, DAYS } from '@marr/zoo';
import { createRng, runAnalysis, symmetricEig } from '@marr/core';
import { saveSae } from '@marr/sae';
import { describe, expect, test } from 'vitest';
import plugin, {
  clusterIrreducibility, clusterReconstructions, cosineSimilarities, graphClusters, multidimFeaturesResults, plantedCircleSae, rankingScore,
  spectralClusters, topEigenvectors, type SparseLatents,
} from '../src/index.js';
import { defaultModel, strip } from './helpers.js';

/**
 * A planted dictionary in 64 dimensions: features 0..6 have decoder directions on a circle (neighbours at
 * cosine cos 2π/7 ≈ 0.62); features 7 and 8 are nearly parallel (cosine 0.8) and fire one at a time (a
 * mixture of two lines); features 9..48 are random. A circle token fires the two features either side of
 * its angle so that the reconstruction is exactly the point at that angle.
 */
function plantedDictionary(seed: number) {
  const rng = createRng(seed);
  const d = 64, n = 49;
  const unit = (v: number[]) => { const s = Math.hypot(...v); return v.map((x) => x / s); };
  const u = unit(Array.from({ length: d }, () => rng.normal()));
  let w = Array.from({ length: d }, () => rng.normal());
  const uw = w.reduce((s, x, j) => s + x * u[j], 0);
  w = unit(w.map((x, j) => x - uw * u[j]));
  const dec = new Float32Array(n * d);
  for (let k = 0; k < 7; k++) for (let j = 0; j < d; j++) dec[k * d + j] = Math.cos((2 * Math.PI * k) / 7) * u[j] + Math.sin((2 * Math.PI * k) / 7) * w[j];
  const l1 = unit(Array.from({ length: d }, () => rng.normal()));
  let l2 = unit(Array.from({ length: d }, () => rng.normal()));
  const c = l2.reduce((s, x, j) => s + x * l1[j], 0);
  l2 = unit(l2.map((x, j) => x - c * l1[j]));
  for (let j = 0; j < d; j++) { dec[7 * d + j] = l1[j]; dec[8 * d + j] = 0.8 * l1[j] + 0.6 * l2[j]; }
  for (let f = 9; f < n; f++) { const r = unit(Array.from({ length: d }, () => rng.normal())); for (let j = 0; j < d; j++) dec[f * d + j] = r[j]; }
  // Tokens: 1500 circle tokens, 1500 line tokens, 1500 random-feature tokens.
  const starts = [0], feature: number[] = [], value: number[] = [], ids: number[] = [];
  const push = (fs: [number, number][], id: number) => { for (const [f, v] of fs) { feature.push(f); value.push(v); } starts.push(feature.length); ids.push(id); };
  for (let t = 0; t < 1500; t++) {
    const theta = 2 * Math.PI * rng.next();
    const k = Math.floor(theta / ((2 * Math.PI) / 7)) % 7, k2 = (k + 1) % 7;
    // Solve a·e_k + b·e_k2 = e_theta in the circle's plane (e_k the unit vector at angle 2πk/7).
    const tk = (2 * Math.PI * k) / 7, tk2 = (2 * Math.PI * k2) / 7;
    const det = Math.cos(tk) * Math.sin(tk2) - Math.sin(tk) * Math.cos(tk2);
    const a = (Math.cos(theta) * Math.sin(tk2) - Math.sin(theta) * Math.cos(tk2)) / det;
    const b = (Math.cos(tk) * Math.sin(theta) - Math.sin(tk) * Math.cos(theta)) / det;
    push([[k, a], [k2, b]], 100 + k);
  }
  for (let t = 0; t < 1500; t++) push([[rng.next() < 0.5 ? 7 : 8, 0.2 + rng.next()]], 200);
  for (let t = 0; t < 1500; t++) push([[9 + rng.int(40), 0.2 + rng.next()]], 300);
  const latents: SparseLatents = { tokens: ids.length, tokenIds: Int32Array.from(ids), rowStart: Int32Array.from(starts), feature: Int32Array.from(feature), value: Float32Array.from(value) };
  return { d, n, dec, latents };
}

describe('clustering and ranking on a planted dictionary', () => {
  const { d, n, dec, latents } = plantedDictionary(1);
  const simsPromise = cosineSimilarities({ n, d, data: dec });

  test('cosine similarities are the normalised Gram matrix with a zero diagonal', async () => {
    const sims = await simsPromise;
    expect(sims[0]).toBe(0);
    expect(sims[0 * n + 1]).toBeCloseTo(Math.cos((2 * Math.PI) / 7), 5);
    expect(sims[7 * n + 8]).toBeCloseTo(0.8, 5);
  });

  test('the graph method finds the circle and the line pair and leaves the random features alone', async () => {
    const sims = await simsPromise;
    const clusters = graphClusters(sims, n);
    const multi = clusters.filter((c) => c.length > 1);
    expect(multi).toEqual([[0, 1, 2, 3, 4, 5, 6], [7, 8]]);
  });

  test('the circle cluster ranks first; the two-line mixture has a high M', async () => {
    const sims = await simsPromise;
    const clusters = graphClusters(sims, n);
    const clusterOf = new Int32Array(n).fill(-1);
    clusters.forEach((c, i) => { if (c.length > 1) for (const f of c) clusterOf[f] = i; });
    const recs = clusterReconstructions(latents, clusterOf, clusters.length, dec, d, 20_000);
    const circleId = clusters.findIndex((c) => c.includes(0));
    const linesId = clusters.findIndex((c) => c.includes(7));
    expect(recs[circleId].tokens).toHaveLength(1500);
    // Reconstructions of the circle cluster are unit vectors in the planted plane.
    for (let i = 0; i < 20; i++) expect(Math.hypot(...recs[circleId].data.subarray(i * d, (i + 1) * d))).toBeCloseTo(1, 4);
    const circle = clusterIrreducibility(recs[circleId], 7, { seed: 0, iterations: 2000 })!;
    const lines = clusterIrreducibility(recs[linesId], 2, { seed: 0, iterations: 2000 })!;
    expect(circle.pairs[0].result.separability.index).toBeGreaterThan(1);
    expect(circle.pairs[0].result.mixture.index).toBeLessThan(0.25);
    expect(lines.pairs[0].result.mixture.index).toBeGreaterThan(0.45);
    expect(circle.score).toBeGreaterThan(2 * lines.score);
  });

  test('spectral clustering recovers planted groups of similar directions', async () => {
    // Six groups of eight directions, each a shared centre plus noise (cosine about 0.9 within a group).
    const rng = createRng(4);
    const dd = 48, groups = 6, per = 8, m = groups * per;
    const centres = Array.from({ length: groups }, () => Array.from({ length: dd }, () => rng.normal()));
    const data = new Float32Array(m * dd);
    for (let f = 0; f < m; f++) for (let j = 0; j < dd; j++) data[f * dd + j] = centres[Math.floor(f / per)][j] + 0.35 * rng.normal();
    const sims = await cosineSimilarities({ n: m, d: dd, data });
    const want = Array.from({ length: groups }, (_, g) => Array.from({ length: per }, (_, k) => g * per + k));
    for (const solver of ['dense', 'randomized'] as const) {
      const clusters = await spectralClusters(sims, m, { clusters: groups, seed: 0, solver });
      expect(clusters.map((c) => [...c].sort((a, b) => a - b)).sort((a, b) => a[0] - b[0])).toEqual(want);
    }
  });

  test('randomized subspace iteration finds the top eigenpairs of a dense decomposition', async () => {
    const rng = createRng(8);
    const m = 120, k = 6;
    // A = U diag(λ) Uᵀ with a clear gap after the 6th eigenvalue.
    const g = Float64Array.from({ length: m * m }, () => rng.normal());
    const { vectors: U } = symmetricEig({ rows: m, cols: m, data: Float64Array.from({ length: m * m }, (_, i) => g[i] + g[(i % m) * m + Math.floor(i / m)]) });
    const lambda = Array.from({ length: m }, (_, i) => (i < k ? 10 - i : 0.5 * Math.exp(-i / 20)));
    const a = new Float32Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) { let s2 = 0; for (let c = 0; c < m; c++) s2 += U.data[i * m + c] * lambda[c] * U.data[j * m + c]; a[i * m + j] = s2; }
    const top = await topEigenvectors(a, m, k, { seed: 0 });
    for (let j = 0; j < k; j++) {
      expect(top.values[j]).toBeCloseTo(lambda[j], 3);
      let dot = 0;
      for (let i = 0; i < m; i++) dot += top.vectors[i * k + j] * U.data[i * m + j];
      expect(Math.abs(dot)).toBeGreaterThan(0.999);
    }
  });

  test('the ranking score follows the authors: mean of [0, (1 − M)·S for pairs with M ≥ 0.01]', () => {
    expect(rankingScore([{ mixture: 0.2, separability: 1 }, { mixture: 0.005, separability: 5 }])).toBeCloseTo((0 + 0.8) / 2, 12);
    expect(rankingScore([])).toBe(0);
  });
});

describe('through the runner on the shipped default model with a planted day-circle SAE', () => {
  test('the planted circle is the top cluster, firing on the day names; same seed, same report', async () => {
    const model = await defaultModel();
    const planted = plantedCircleSae(model, DAYS, { seed: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'marr-multidim-'));
    const saePath = join(dir, 'sae');
    await saveSae(planted.sae, saePath);
    const rng = createRng(5);
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const p = { unit: 'days' as const, count: 1 + rng.int(6), direction: 'after' as const, start: rng.int(7) };
      lines.push(`${calendarPrompt(p)} ${calendarAnswerWord(p)} .`);
    }
    const text = join(dir, 'calendar.txt');
    writeFileSync(text, lines.join(' ') + '\n');
    const analysis = plugin.analyses.find((a) => a.id === 'multidim-features')!;
    const run = () => runAnalysis({ plugin, analysis, models: [model], dataPath: text, inputs: [{ name: 'sae', label: null, path: saePath }], params: { iterations: 1000, maxTokens: 2048, contextLength: 32 } });
    const a = await run();
    const r = multidimFeaturesResults.parse(a.results);
    expect(r.clusters[0].features).toEqual(planted.circleFeatures);
    for (const t of r.clusters[0].topTokens) expect(DAYS).toContain(t.token);
    expect(strip(await run())).toBe(strip(a));
    await expect(runAnalysis({ plugin, analysis, models: [model], dataPath: text, params: {} })).rejects.toThrow(/--input sae=/);
  });
});
