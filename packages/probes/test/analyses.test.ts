import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, manifestProblems, parseInputAssignments, runAnalysis } from '@marr/core';
import { describe, expect, it } from 'vitest';
import plugin from '../src/plugin.js';
import { probeSweep } from '../src/analyses/probe-sweep.js';
import { sparseProbe } from '../src/analyses/sparse-probe.js';
import { smallRandomModel } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'marr-probes-'));

/** A CSV of activations: decoys with d' = 1, and a pair (a, b) with a - b = 0.6 y that separates. */
function plantedCsv(path: string, n: number, labelOf: (i: number) => string): void {
  const rng = createRng(21);
  const lines = ['label,d0,d1,d2,d3,d4,d5,a,b'];
  for (let i = 0; i < n; i++) {
    const label = labelOf(i);
    const s = label === 'yes' ? 1 : -1;
    const u = rng.normal();
    const decoys = Array.from({ length: 6 }, () => (rng.normal() + 0.5 * s).toFixed(6));
    lines.push([label, ...decoys, (u + 0.6 * s).toFixed(6), u.toFixed(6)].join(','));
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

describe('@marr/probes plugin', () => {
  it('has a package.json manifest that matches the module', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(manifestProblems(pkg, plugin)).toEqual([]);
  });

  it('sparse-probe on a table of activations: byK rows, OSP finds the planted pair with a proof', async () => {
    const csv = join(dir, 'planted.csv');
    plantedCsv(csv, 300, (i) => (i % 2 ? 'yes' : 'no'));
    const report = await runAnalysis({
      plugin,
      analysis: sparseProbe,
      inputs: parseInputAssignments([`activations=${csv}`]),
      params: { positive: 'yes', methods: ['mean-diff', 'osp'], kValues: [1, 2], ospMaxK: 2 },
      seed: 3,
    });
    const bytes = readFileSync(csv);
    expect(report.inputs.files).toEqual([{ role: 'activations', path: csv, sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length }]);
    const byK = report.results.byK as { method: string; k: number; selected: string[]; f1: number; rocAuc: number }[];
    expect(byK.map((r) => `${r.method}:${r.k}`)).toEqual(['mean-diff:1', 'mean-diff:2', 'osp:1', 'osp:2']);
    const osp2 = byK.find((r) => r.method === 'osp' && r.k === 2)!;
    expect([...osp2.selected].sort()).toEqual(['a', 'b']);
    expect(osp2.f1).toBeGreaterThan(0.95);
    const optimality = report.results.optimality as { k: number; optimal: boolean; gap: number; bound: number; objective: number }[];
    expect(optimality.map((o) => o.k)).toEqual([1, 2]);
    for (const o of optimality) {
      expect(o.optimal).toBe(true);
      expect(o.bound).toBeLessThanOrEqual(o.objective);
    }
    expect(report.summary).toContain('"yes"');
  });

  it('probe-sweep probes each label value against the rest', async () => {
    const csv = join(dir, 'three.csv');
    plantedCsv(csv, 240, (i) => ['yes', 'no', 'maybe'][i % 3]);
    // The deprecated activations= parameter still works, says so, and its file is recorded all the same.
    const logs: string[] = [];
    const report = await runAnalysis({ plugin, analysis: probeSweep, params: { activations: csv, kValues: [1, 2] }, seed: 1, log: (m) => logs.push(m) });
    expect(logs).toEqual(['probes: the activations= parameter is deprecated; use --input activations=<file.csv>']);
    expect(report.inputs.files.map((f) => [f.role, f.path])).toEqual([['activations', csv]]);
    await expect(
      runAnalysis({ plugin, analysis: probeSweep, inputs: parseInputAssignments([`activations=${csv}`]), params: { activations: csv } }),
    ).rejects.toThrow('give the activations table once');
    const features = report.results.features as { feature: string; bestLayer: string }[];
    expect(features.map((f) => f.feature)).toEqual(['maybe', 'no', 'yes']);
    expect(features[0].bestLayer).toBe('table');
  });

  it('labelled JSONL through a model: context-level labels, clear errors for bad input', async () => {
    const jsonl = join(dir, 'labels.jsonl');
    const rows = Array.from({ length: 40 }, (_, i) => JSON.stringify({ text: i % 2 ? `zzzz zz ${i}` : `aaaa aa ${i}`, label: i % 2 ? 'z' : 'a' }));
    writeFileSync(jsonl, rows.join('\n'));
    const model = smallRandomModel(2);
    const report = await runAnalysis({
      plugin,
      analysis: sparseProbe,
      models: [model],
      dataPath: jsonl,
      params: { positive: 'z', methods: ['mean-diff'], kValues: [1, 2] },
      seed: 0,
    });
    expect((report.results.layers as unknown[]).length).toBe(2);
    expect(report.results.bestNeuron).toMatch(/^L[01]N\d+$/);
    // The letters differ in every token, so one neuron separates them perfectly.
    expect((report.results.layers as { f1: number }[]).some((l) => l.f1 === 1)).toBe(true);
    await expect(runAnalysis({ plugin, analysis: sparseProbe, params: {} })).rejects.toThrow(/--input activations=<file.csv>/);
    // Token level: label each byte token "is a vowel". The random model's MLP neurons are random features of
    // the token (plus attention mixing), so a probe reads the label far above chance (all-positive F1 ~0.4).
    const tokenRows = Array.from({ length: 30 }, (_, i) => {
      const text = `the quick brown fox ${i} jumps over a lazy dog`;
      return JSON.stringify({ text, tokenLabels: [...Buffer.from(text)].map((b) => ('aeiou'.includes(String.fromCharCode(b)) ? 1 : 0)) });
    });
    const tokenLevel = join(dir, 'vowels.jsonl');
    writeFileSync(tokenLevel, tokenRows.join('\n'));
    const vowels = await runAnalysis({
      plugin,
      analysis: probeSweep,
      models: [model],
      dataPath: tokenLevel,
      params: { kValues: [1, 4, 16], maxExamples: 600 },
      seed: 0,
    });
    const [feature] = vowels.results.features as { feature: string; bestF1: number }[];
    expect(feature.feature).toBe('1');
    expect(feature.bestF1).toBeGreaterThan(0.6); // 0.78 measured
    const tokenJsonl = join(dir, 'tokens.jsonl');
    writeFileSync(tokenJsonl, JSON.stringify({ text: 'abc', tokenLabels: [0, 1] }));
    await expect(runAnalysis({ plugin, analysis: sparseProbe, models: [model], dataPath: tokenJsonl, params: {} })).rejects.toThrow(
      /has 2 tokenLabels but its text encodes to 3 tokens/,
    );
  });
});
